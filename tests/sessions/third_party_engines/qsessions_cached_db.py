"""django-qsessions' cached database store, adapted: it records the user, IP and user agent in both
modes."""

from auth_backend_sdk import dual_mode

SessionStore = dual_mode("qsessions.backends.cached_db.SessionStore")
