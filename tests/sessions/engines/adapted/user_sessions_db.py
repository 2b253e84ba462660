from __future__ import annotations

from auth_backend_sdk import dual_mode

SessionStore = dual_mode("user_sessions.backends.db.SessionStore")
