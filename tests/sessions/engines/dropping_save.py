"""``save()`` never stores the keys starting with ``tmp_`` (upload progress and the like)."""

from __future__ import annotations

from django.contrib.sessions.backends import db

TRANSIENT_PREFIX = "tmp_"


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        for key in [key for key in self.keys() if key.startswith(TRANSIENT_PREFIX)]:
            del self[key]
        super().save(must_create)
