"""Django's cache store under a name of its own (it never signs with the key salt)."""

from __future__ import annotations

from django.contrib.sessions.backends import cache


class TrackingSessionStore(cache.SessionStore):
    pass


SessionStore = TrackingSessionStore
