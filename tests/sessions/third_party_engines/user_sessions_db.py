"""django-user-sessions' store, adapted: the user set through ``aset()`` reaches its row."""

from auth_backend_sdk import dual_mode

SessionStore = dual_mode("user_sessions.backends.db.SessionStore")
