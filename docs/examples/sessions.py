"""A session store of your own, dual-mode: ``SESSION_ENGINE = "docs.examples.sessions"``.

Django's database store with an absolute lifetime: a session started more than
``ABSOLUTE_LIFETIME`` ago loads as empty (its user is logged out), however active
it has been. Django's own expiry only counts the time since the session was last
saved.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.contrib.sessions.backends import db

from auth_backend_sdk.sessions import DualModeSessionMixin

ABSOLUTE_LIFETIME = timedelta(hours=12)
STARTED_AT = "_session_started_at"


# Named SessionStore, like the class it extends: Django's key salt contains the
# class's name, and a store under another name reads every existing session as empty.
class SessionStore(DualModeSessionMixin, db.SessionStore):
    def load(self) -> dict[str, Any]:
        """The stored session, or a new empty one once it outlived ``ABSOLUTE_LIFETIME``."""
        data = super().load()
        started_at = data.get(STARTED_AT, time.time())
        if time.time() - started_at > ABSOLUTE_LIFETIME.total_seconds():
            self._session_key = None  # as Django's load() does for an expired session
            return {}
        return data

    def __setitem__(self, key: str, value: Any) -> None:
        """Set ``key``; the first key set records when the session started."""
        if STARTED_AT not in self:
            super().__setitem__(STARTED_AT, time.time())
        super().__setitem__(key, value)
