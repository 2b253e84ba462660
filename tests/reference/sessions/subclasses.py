"""Subclasses of the reference database stores, each overriding a sync method as projects do.

Most override only the sync side: the session family gives each an async side
of its own, so ``aget()`` and ``asave()`` must honour them. ``ASYNC_OVERRIDES``
override only async sides, calling ``super()``: the store's own async side must
not come back to them through the sync side derived from them.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cache as django_cache
from django.contrib.sessions.backends import cached_db as django_cached_db
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.backends import signed_cookies as django_signed_cookies

from reference_backends.sessions import cache, cached_db, db, signed_cookies
from tests.testapp.models import AccountSession

__all__ = [
    "ASYNC_OVERRIDES",
    "REVOKED",
    "AccountCachedDbStore",
    "AccountDbStore",
    "RevokingCachedDbStore",
    "RevokingDbStore",
]

REVOKED = "revoked"


class _RefusesRevoked:
    """``load()`` refuses a session marked revoked (by an admin, say): a new session starts."""

    _session_key: str | None

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()  # type: ignore[misc]
        if data.get(REVOKED):
            self._session_key = None
            return {}
        return data


class RevokingDbStore(_RefusesRevoked, db.SessionStore):
    """The refusal over the ``db`` store."""


class RevokingCachedDbStore(_RefusesRevoked, cached_db.SessionStore):
    """The same refusal over the ``cached_db`` store."""


def _with_account(obj: AccountSession, data: dict[str, Any]) -> AccountSession:
    try:
        obj.account_id = int(data.get(SESSION_KEY))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        obj.account_id = None
    return obj


class AccountDbStore(db.SessionStore):
    """Django's documented extension (as django-qsessions does): a model with a column of its
    own, filled by ``create_model_instance()``."""

    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        return _with_account(cast(AccountSession, super().create_model_instance(data)), data)


class AccountCachedDbStore(cached_db.SessionStore):
    """The same extension over the ``cached_db`` store."""

    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        return _with_account(cast(AccountSession, super().create_model_instance(data)), data)


def _with_async_overrides(engine: type[Any]) -> type[Any]:
    """A subclass of ``engine`` overriding only async methods, each calling ``super()``."""

    class SessionStore(engine):  # type: ignore[misc]
        calls: list[str] = []  # one list per generated class (set again below)

        async def aload(self) -> dict[str, Any]:
            type(self).calls.append("aload")
            data: dict[str, Any] = await super().aload()
            return data

        async def asave(self, must_create: bool = False) -> None:
            type(self).calls.append("asave")
            await super().asave(must_create)

        async def aexists(self, session_key: str) -> bool:
            type(self).calls.append("aexists")
            found: bool = await super().aexists(session_key)
            return found

        async def adelete(self, session_key: str | None = None) -> None:
            type(self).calls.append("adelete")
            await super().adelete(session_key)

    SessionStore.calls = []
    SessionStore.__module__ = engine.__module__  # the key salt: Django's, as the engine's
    return SessionStore


ASYNC_OVERRIDES = {
    name: (_with_async_overrides(engine), _with_async_overrides(djangos))
    for name, engine, djangos in (
        ("db", db.SessionStore, django_db.SessionStore),
        ("cache", cache.SessionStore, django_cache.SessionStore),
        ("cached_db", cached_db.SessionStore, django_cached_db.SessionStore),
        ("signed_cookies", signed_cookies.SessionStore, django_signed_cookies.SessionStore),
    )
}
"""Per engine: a subclass whose async overrides call ``super()``, recording each call, of the
reference store and of Django's."""
