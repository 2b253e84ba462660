"""The engines under test, Django's of the same name beside each, and small steps on them.

Every test of this package runs one body against the reference engine and
against Django's engine of the same name (the oracle), in each mode. A step
here is sync set-up or inspection: what a store holds is read directly (the
row, the cache entry, the cookie), not through the store under test.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone

__all__ = [
    "COOKIE_SALT",
    "DJANGO",
    "ENGINES",
    "REFERENCE",
    "SERVER_SIDE",
    "Store",
    "cache_entry",
    "engine_of",
    "forget_cached_copy",
    "keeps_rows",
    "past",
    "row",
    "seed",
    "session_cache",
    "stores",
    "unknown_key",
]

Store = type[SessionBase]

ENGINES = ("db", "cache", "cached_db", "signed_cookies")
SERVER_SIDE = ("db", "cache", "cached_db")
"""The engines that keep sessions on the server (a row, a cache entry): a key can be revoked."""
COOKIE_SALT = "django.contrib.sessions.backends.signed_cookies"

DJANGO: dict[str, Store] = {
    name: import_module(f"django.contrib.sessions.backends.{name}").SessionStore for name in ENGINES
}
REFERENCE: dict[str, Store] = {
    name: import_module(f"reference_backends.sessions.{name}").SessionStore for name in ENGINES
}


def stores(engines: tuple[str, ...] = ENGINES) -> list[tuple[str, Store]]:
    """``(id, store)`` for Django's and the reference store of each engine, for parametrize."""
    return [
        (f"{owner}-{name}", implementations[name])
        for name in engines
        for owner, implementations in (("django", DJANGO), ("reference", REFERENCE))
    ]


def engine_of(store: Store) -> str:
    """The engine name (``"db"``, ...) of a Django or reference store, or of a subclass."""
    for name in ("cached_db", "db", "cache", "signed_cookies"):  # cached_db extends db
        if issubclass(store, DJANGO[name]):
            return name
    raise ValueError(f"{store!r} is no store of Django's engines")


def keeps_rows(store: Store) -> bool:
    return engine_of(store) in ("db", "cached_db")


def session_cache() -> Any:
    return caches[settings.SESSION_CACHE_ALIAS]


def past() -> datetime:
    """A minute ago: an expiry already reached."""
    return timezone.now() - timedelta(minutes=1)


def unknown_key() -> str:
    """A well-formed key (32 of Django's key characters) no store holds."""
    return "unknown0" + "a1b2c3d4" * 3


def seed(store: Store, data: dict[str, Any], *, expiry: Any = None) -> str:
    """The key of a session ``store`` saved holding ``data`` (sync mode: the set-up)."""
    session = store()
    session.update(data)
    if expiry is not None:
        session.set_expiry(expiry)
    session.save()
    assert session.session_key is not None
    return session.session_key


def row(key: str) -> Session | None:
    """The ``django_session`` row of ``key``, expired or not."""
    return Session.objects.filter(session_key=key).first()


def cache_entry(store: Store, key: str) -> Any:
    """What the session cache holds for ``key`` under ``store``'s prefix (``None``: nothing)."""
    prefix: str = getattr(store, "cache_key_prefix", "")
    return session_cache().get(prefix + key)


def forget_cached_copy(store: Store, key: str) -> None:
    """Make the next read of a ``cached_db`` session go to its row."""
    if engine_of(store) == "cached_db":
        session_cache().delete(DJANGO["cached_db"].cache_key_prefix + key)  # type: ignore[attr-defined]
