"""Subclasses of Django's own session stores, each overriding one method the way projects do.

Every class here is written as a project writes it, without this SDK:
``tests/sessions/test_hazards.py`` reproduces each hazard on it as it is, then adapts it
with ``DualModeSessionMixin`` and with ``dual_mode()``. Two overrides are shared by two
stores (``load`` and ``save``): on Django's ``db``/``cached_db`` stores async callers bypass
them, while the ``file`` and ``signed_cookies`` stores call them from their async side.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import cache, cached_db, db, file, signed_cookies
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.cache import caches
from django.utils import timezone

from tests.testapp.models import AccountSession

FINGERPRINT = "fingerprint"
TRANSIENT_PREFIX = "tmp_"
WRITES = "_writes"
ROTATIONS = "_rotations"
SITE_DEFAULTS = {"theme": "light"}
TOMBSTONE_PREFIX = "logged-out:"
LONGEST_SESSION = timedelta(hours=1)
EXPIRED_SESSIONS_KEPT_FOR = timedelta(days=1)
CACHED_FOR_AT_MOST = 300


def session_cache() -> Any:
    return caches[settings.SESSION_CACHE_ALIAS]


def of_an_inactive_user(data: dict[str, Any]) -> bool:
    """Whether the session data belongs to a user deactivated (or deleted) since logging in."""
    user_id = data.get(SESSION_KEY)
    users = get_user_model()._default_manager
    return user_id is not None and not users.filter(pk=user_id, is_active=True).exists()


# Overrides two stores share.


class RefusesForeignFingerprints(SessionBase):
    """``load()`` refuses a session presented by another client than the one that started it.

    ``fingerprint`` identifies the client of the current request (the project's middleware
    sets it); a session whose recorded fingerprint differs was hijacked, and is treated as
    one that does not exist: the request starts a new session.
    """

    fingerprint = ""

    def load(self) -> dict[str, Any]:
        data = super().load()
        if data.get(FINGERPRINT, self.fingerprint) != self.fingerprint:
            self._session_key = None
            return {}
        return data


class DropsTransientKeys(SessionBase):
    """``save()`` never persists the keys starting with ``tmp_`` (upload progress and the like)."""

    def save(self, must_create: bool = False) -> None:
        for key in [key for key in self.keys() if key.startswith(TRANSIENT_PREFIX)]:
            del self[key]
        super().save(must_create)


class CountsWrites(SessionBase):
    """``__setitem__`` counts the writes made to the session, in the session (an audit field)."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if key != WRITES:
            super().__setitem__(WRITES, self.get(WRITES, 0) + 1)


# db


class FingerprintDbStore(RefusesForeignFingerprints, db.SessionStore):
    """Django's database store, refusing hijacked sessions."""


class RevokingDbStore(db.SessionStore):
    """Ends the sessions of deactivated users as they are read, through Django's db hook."""

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        found: AbstractBaseSession | None = super()._get_session_from_db()  # type: ignore[misc]
        if found is not None and of_an_inactive_user(self.decode(found.session_data)):
            self._session_key = None
            return None
        return found


class AccountSessionStore(db.SessionStore):
    """Django's documented extension of the database store ("Extending database-backed
    session engines"): a custom model, and ``create_model_instance()`` filling its
    ``account_id`` column."""

    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        obj = cast(AccountSession, super().create_model_instance(data))
        try:
            account_id = int(data.get(SESSION_KEY))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            account_id = None
        obj.account_id = account_id
        return obj


class KioskDbStore(db.SessionStore):
    """A kiosk site: no session outlives an hour, whatever ``set_expiry()`` asked for."""

    def get_expiry_date(self, **kwargs: Any) -> datetime:
        modification = kwargs.get("modification") or timezone.now()
        return min(super().get_expiry_date(**kwargs), modification + LONGEST_SESSION)


class GraceDbStore(db.SessionStore):
    """``clear_expired()`` keeps the sessions expired within the last day (support reads them)."""

    @classmethod
    def clear_expired(cls) -> None:
        cutoff = timezone.now() - EXPIRED_SESSIONS_KEPT_FOR
        cls.get_model_class().objects.filter(expire_date__lt=cutoff).delete()


class WriteCountingDbStore(CountsWrites, db.SessionStore):
    """Django's database store, counting writes (its hops are measured against Django's)."""


# cache


class SiteDefaultsCacheStore(cache.SessionStore):
    """A new session starts with the site's default preferences."""

    def create(self) -> None:
        for key, value in SITE_DEFAULTS.items():
            self.setdefault(key, value)
        super().create()


class TombstoneCacheStore(cache.SessionStore):
    """A deleted session leaves a tombstone, so that a replayed cookie can be told apart."""

    def delete(self, session_key: str | None = None) -> None:
        key = self.session_key if session_key is None else session_key
        super().delete(session_key)
        if key is not None:
            session_cache().set(TOMBSTONE_PREFIX + key, True)


# cached_db


class WriteCountingCachedDbStore(CountsWrites, cached_db.SessionStore):
    """Django's cached database store, counting writes."""


class TransientDroppingCachedDbStore(DropsTransientKeys, cached_db.SessionStore):
    """Django's cached database store, never persisting transient keys."""


class ShortCacheCachedDbStore(cached_db.SessionStore):
    """Sessions live in the cache (and in the cookie) for five minutes at most.

    ``expiry_age_calls`` records the keyword arguments of each call: ``cached_db``'s
    ``load()`` asks with ``expiry=`` while it is still loading.
    """

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.expiry_age_calls: list[tuple[str, ...]] = []

    def get_expiry_age(self, **kwargs: Any) -> int:
        self.expiry_age_calls.append(tuple(sorted(kwargs)))
        return min(super().get_expiry_age(**kwargs), CACHED_FOR_AT_MOST)


# file


class FingerprintFileStore(RefusesForeignFingerprints, file.SessionStore):
    """Django's file store, refusing hijacked sessions."""


class RevokingFileStore(file.SessionStore):
    """Ends the sessions of deactivated users as they are read: a query, in ``load()``."""

    def load(self) -> dict[str, Any]:
        data = super().load()
        if of_an_inactive_user(data):
            self._session_key = None
            return {}
        return data


class RotationCountingFileStore(file.SessionStore):
    """Counts the rotations of the session key in the session (each login rotates it)."""

    def cycle_key(self) -> None:
        super().cycle_key()
        self[ROTATIONS] = self.get(ROTATIONS, 0) + 1


class MigratingFileStore(file.SessionStore):
    """Moving from the cache store: a key still used there counts as taken."""

    def exists(self, session_key: str) -> bool:
        return super().exists(session_key) or cache.SessionStore().exists(session_key)


# signed_cookies


class SiteDefaultsSignedCookieStore(signed_cookies.SessionStore):
    """Answers the site's default preferences for the keys the session lacks."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, SITE_DEFAULTS.get(key, default))


class TransientDroppingSignedCookieStore(DropsTransientKeys, signed_cookies.SessionStore):
    """Django's signed-cookie store, never putting transient keys in the cookie."""


# The key salt: SessionBase.key_salt contains the class's __qualname__.


class MySessionStore(db.SessionStore):
    """A subclass renamed: its key salt is not the one Django's ``SessionStore`` signed with."""


class LegacySessions:
    """A namespace holding a store: its qualified name is ``LegacySessions.SessionStore``."""

    class SessionStore(db.SessionStore):
        pass
