"""``_get_session_from_db()``, Django's documented db hook, ends a session marked revoked."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession

REVOKED = "revoked"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> AbstractBaseSession | None:
        found: AbstractBaseSession | None = super()._get_session_from_db()  # type: ignore[misc]
        if found is not None and self.decode(found.session_data).get(REVOKED):
            self._session_key = None
            return None
        return found
