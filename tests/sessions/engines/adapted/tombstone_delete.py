from __future__ import annotations

from auth_backend_sdk import dual_mode

SessionStore = dual_mode("tests.sessions.engines.tombstone_delete.SessionStore")
