"""A store named ``SessionStore`` inside a namespace class: its ``__qualname__`` is not."""

from __future__ import annotations

from django.contrib.sessions.backends import db


class Legacy:
    class SessionStore(db.SessionStore):
        pass


SessionStore = Legacy.SessionStore
