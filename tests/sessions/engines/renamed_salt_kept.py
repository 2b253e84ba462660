"""The fix for a store under a name of its own: the key salt of the store it extends."""

from __future__ import annotations

from django.contrib.sessions.backends import db


class TrackingSessionStore(db.SessionStore):
    @property
    def key_salt(self) -> str:
        return "django.contrib.sessions.SessionStore"


SessionStore = TrackingSessionStore
