"""A project's store under a name of its own: its key salt is not Django's store's."""

from __future__ import annotations

from django.contrib.sessions.backends import db


class TrackingSessionStore(db.SessionStore):
    """Meant to record more about each session, some day."""


SessionStore = TrackingSessionStore
