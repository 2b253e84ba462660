"""``SESSION_ENGINE``: Django's ``db`` store, recording the methods entered."""

from __future__ import annotations

from django.contrib.sessions.backends import db

from .recording import RecordingStore


class SessionStore(RecordingStore, db.SessionStore):
    """Records the methods entered; otherwise Django's store."""
