"""``load()`` refuses a hijacked session: one presented by another client than its own."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db

CLIENT = "client"


class SessionStore(db.SessionStore):
    client = ""
    """The client of the current request (the project's middleware sets it)."""

    def load(self) -> dict[str, Any]:
        data = super().load()
        if data.get(CLIENT, self.client) != self.client:
            self._session_key = None
            return {}
        return data
