"""Django's ``signed_cookies`` session engine, with the session family's rules.

    SESSION_ENGINE = "reference_backends.sessions.signed_cookies"

The session lives in the signed cookie, as with Django's engine (same salt and
format: cookies stay valid both ways). Django's async methods already run on
the event loop with no thread hop; this class adds the session family: a
subclass overriding a sync method (a ``load()`` refusing some sessions, say)
has it honoured by ``aload()``, ``aget()`` and the rest.

``load()`` departs from Django's in two ways, both as Django's other stores
behave:

* a cookie whose signature does not hold is logged on
  ``django.security.SuspiciousSession`` ("Session data corrupted"), as
  ``SessionBase.decode()`` logs corrupted data; Django's store drops it
  silently. A cookie past ``SESSION_COOKIE_AGE`` is not logged: it is old, not
  forged;
* a session past the expiry ``set_expiry()`` gave it loads empty, as a row
  past its ``expire_date`` does (Django's store checks ``SESSION_COOKIE_AGE``
  only, ticket #19201): a date is compared with now, seconds with the
  cookie's age (it is signed when the session is saved, when the database
  stores compute ``expire_date``).

``aload()`` runs the same ``load()`` on the event loop.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from django.contrib.sessions.backends import signed_cookies as django_signed_cookies
from django.core import signing
from django.utils import timezone

from auth_backend_sdk.sessions import DualModeSessionMixin

__all__ = ["SessionStore"]

_SALT = "django.contrib.sessions.backends.signed_cookies"
_EXPIRY_KEY = "_session_expiry"


class SessionStore(DualModeSessionMixin, django_signed_cookies.SessionStore):
    """Django's ``signed_cookies`` store: no I/O, no thread hop, in either mode."""

    def load(self) -> dict[str, Any]:
        """The session the cookie signs; empty (and a new one) if forged, garbled or expired."""
        try:
            data = self._signed_data(max_age=self.get_session_cookie_age())
            self._refuse_expired(data)
            return data
        except signing.SignatureExpired:
            pass
        except signing.BadSignature:
            logging.getLogger("django.security.SuspiciousSession").warning("Session data corrupted")
        except Exception:  # ValueError, unpickling errors: an empty session, as in Django
            pass
        self.create()
        return {}

    async def aload(self) -> dict[str, Any]:
        return SessionStore.load(self)

    # Django's async methods call the sync ones through self: a subclass's async
    # override calling super() would come back to itself through the sync side
    # derived from it. These run this class's own sync side, on the event loop.

    def exists(self, session_key: str | None = None) -> bool:
        return super().exists(session_key)

    async def aexists(self, session_key: str | None = None) -> bool:
        return SessionStore.exists(self, session_key)

    def create(self) -> None:
        super().create()

    async def acreate(self) -> None:
        SessionStore.create(self)

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)

    async def asave(self, must_create: bool = False) -> None:
        SessionStore.save(self, must_create)

    def delete(self, session_key: str | None = None) -> None:
        super().delete(session_key)

    async def adelete(self, session_key: str | None = None) -> None:
        SessionStore.delete(self, session_key)

    def cycle_key(self) -> None:
        super().cycle_key()

    async def acycle_key(self) -> None:
        # Django's cycle_key() is save(): through asave(), a subclass's async override of it
        # runs here, on the loop; its sync side, derived from that override, could not.
        await self.asave()

    def _signed_data(self, max_age: int) -> dict[str, Any]:
        data: dict[str, Any] = signing.loads(
            cast(str, self.session_key), serializer=self.serializer, max_age=max_age, salt=_SALT
        )
        return data

    def _refuse_expired(self, data: dict[str, Any]) -> None:
        """Raise ``SignatureExpired`` if the expiry ``set_expiry()`` stored has passed."""
        expiry = data.get(_EXPIRY_KEY)
        if isinstance(expiry, str):
            if datetime.fromisoformat(expiry) <= timezone.now():
                raise signing.SignatureExpired(f"the session expired at {expiry}")
        elif expiry:  # seconds, counted from when the session was saved (signed)
            self._signed_data(max_age=expiry)
