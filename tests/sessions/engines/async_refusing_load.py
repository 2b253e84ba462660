"""Written async-first: ``aload()`` refuses a hijacked session, ``load()`` is Django's."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db

CLIENT = "client"


class SessionStore(db.SessionStore):
    client = ""
    """The client of the current request (the project's middleware sets it)."""

    async def aload(self) -> dict[str, Any]:
        data = await super().aload()
        if data.get(CLIENT, self.client) != self.client:
            self._session_key = None
            return {}
        return data
