"""``SESSION_ENGINE``: the reference ``db`` store, recording the methods entered."""

from __future__ import annotations

from reference_backends.sessions import db

from .recording import RecordingStore


class SessionStore(RecordingStore, db.SessionStore):
    """Both sides of each method overridden: the session family derives neither."""
