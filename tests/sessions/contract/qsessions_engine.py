"""A ``SESSION_ENGINE`` module: django-qsessions' database store, adapted with ``dual_mode()``."""

from __future__ import annotations

from auth_backend_sdk import dual_mode

SessionStore = dual_mode("qsessions.backends.db.SessionStore")
