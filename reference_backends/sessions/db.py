"""Django's ``db`` session engine, one thread hop per async call that reaches the table.

    SESSION_ENGINE = "reference_backends.sessions.db"

Sessions are rows of Django's ``django_session`` table (the model
``get_model_class()`` returns, as in Django): Django's ``db`` engine reads
them, and this one reads Django's.

A key holding a NUL byte (a forged cookie) starts a new session instead of
reaching the database (Django's store raises ``DataError`` on PostgreSQL): see
:mod:`._one_step`.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db as django_db

from auth_backend_sdk.sessions import DualModeSessionMixin

from ._one_step import StoreInOneStep

__all__ = ["SessionStore"]


class SessionStore(DualModeSessionMixin, StoreInOneStep, django_db.SessionStore):
    """Django\'s ``db`` store, each async method that reaches the store in one thread hop."""
