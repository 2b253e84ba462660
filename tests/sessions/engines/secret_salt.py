"""A store whose key salt is built from SECRET_KEY (a salt of its own, and a secret)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends import db


class SessionStore(db.SessionStore):
    @property
    def key_salt(self) -> str:
        return f"sessions:{settings.SECRET_KEY}"
