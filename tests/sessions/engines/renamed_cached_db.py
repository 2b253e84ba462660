"""Django's cached database store under a name of its own."""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db


class TrackingSessionStore(cached_db.SessionStore):
    pass


SessionStore = TrackingSessionStore
