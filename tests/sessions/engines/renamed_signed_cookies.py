"""Django's signed-cookie store under a name of its own (it signs with a fixed salt)."""

from __future__ import annotations

from django.contrib.sessions.backends import signed_cookies


class TrackingSessionStore(signed_cookies.SessionStore):
    pass


SessionStore = TrackingSessionStore
