"""``__setitem__`` counts the writes made to the session, in the session (an audit field)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db

WRITES = "_writes"


class SessionStore(db.SessionStore):
    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if key != WRITES:
            super().__setitem__(WRITES, self.get(WRITES, 0) + 1)
