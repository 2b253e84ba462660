"""Session stores that break the contract on purpose, one defect each: the suite must say so.

Each is Django's database store with one mistake a store author could make.
Most are dual-mode (``DualModeSessionMixin`` first), so that the mistake,
written on the sync side, is made in both modes; a few are mistakes of one
side (an async method written by hand). ``test_suite_catches.py`` names the
check that catches each one.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, ClassVar

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.core import signing
from django.utils import timezone
from django.utils.crypto import get_random_string

from auth_backend_sdk.sessions import DualModeSessionMixin

# -- structure --------------------------------------------------------------------------


class LoadOverriddenUnadapted(db.SessionStore):
    """Overrides load() without adapting: Django's aload() bypasses the override."""

    def load(self) -> dict[str, Any]:
        return super().load()


# -- Django's semantics -------------------------------------------------------------------


class DropsNoneValues(DualModeSessionMixin, db.SessionStore):
    """Leaves values that are None out of what it stores, to save space."""

    def encode(self, session_dict: dict[str, Any]) -> str:
        return super().encode({k: v for k, v in session_dict.items() if v is not None})


class AdoptsClientKeys(DualModeSessionMixin, db.SessionStore):
    """Keeps a key nobody has, and saves the session under it (session fixation)."""

    def load(self) -> dict[str, Any]:
        key = self.session_key
        data = super().load()
        self._session_key = key
        return data

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        self.create_model_instance(data).save()


class OverwritesOnCreate(DualModeSessionMixin, db.SessionStore):
    """save(must_create=True) on a key in use overwrites that session."""

    def save(self, must_create: bool = False) -> None:
        if must_create and self.session_key is not None and self.exists(self.session_key):
            must_create = False
        super().save(must_create)


class CycleKeepsTheOldKey(DualModeSessionMixin, db.SessionStore):
    """cycle_key() moves the data to a new key, and leaves the old session in place."""

    def cycle_key(self) -> None:
        data = self._session  # type: ignore[attr-defined]
        self.create()
        self._session_cache = data


class FlushForgetsWithoutDeleting(DualModeSessionMixin, db.SessionStore):
    """flush() empties the store and forgets the key, but leaves the row."""

    def flush(self) -> None:
        self.clear()
        self._session_key = None


class AcceptsShortKeys(DualModeSessionMixin, db.SessionStore):
    """Takes any non-empty key, however short."""

    def _validate_session_key(self, key: Any) -> bool:
        return bool(key)


class MixedCaseKeys(DualModeSessionMixin, db.SessionStore):
    """Makes keys of upper- and lower-case letters, for more keys of the same length."""

    def _get_new_session_key(self) -> str:
        while True:
            key = get_random_string(32)
            if not self.exists(key):
                return key


class DeleteRaisesWhenMissing(DualModeSessionMixin, db.SessionStore):
    """delete() of a session that is not stored raises, as a strict ORM call would."""

    def delete(self, session_key: str | None = None) -> None:
        key = session_key if session_key is not None else self.session_key
        self.model.objects.get(session_key=key).delete()


class ExistsOnlyForLiveSessions(DualModeSessionMixin, db.SessionStore):
    """exists() leaves expired sessions out, though their rows are still there."""

    def exists(self, session_key: str) -> bool:
        live = self.model.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
        return live.exists()


class ExistsIgnoresCase(DualModeSessionMixin, db.SessionStore):
    """exists() matches keys without regard to letter case."""

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(session_key__iexact=session_key).exists()


class CreatesOnMiss(DualModeSessionMixin, db.SessionStore):
    """load() of a key that is not stored saves a new session at once."""

    def load(self) -> dict[str, Any]:
        data = super().load()
        if self.session_key is None:
            self.create()
        return data


class RenamedSessionStore(DualModeSessionMixin, db.SessionStore):
    """Django's db store under another class name: Django's key_salt changes with it."""


# -- expiry ---------------------------------------------------------------------------


class ZeroExpiryIsNoExpiry(DualModeSessionMixin, db.SessionStore):
    """set_expiry(0) (at browser close) is taken as None: `if not value`."""

    def set_expiry(self, value: Any) -> None:
        super().set_expiry(value or None)


class ServesExpiredSessions(DualModeSessionMixin, db.SessionStore):
    """Finds a session by its key alone, expired or not."""

    def _get_session_from_db(self) -> Any:
        try:
            return self.model.objects.get(session_key=self.session_key)
        except self.model.DoesNotExist:
            self._session_key = None
            return None


class ClearsSessionsNearExpiry(DualModeSessionMixin, db.SessionStore):
    """clear_expired() also removes sessions that expire within the hour."""

    @classmethod
    def clear_expired(cls) -> None:
        soon = timezone.now() + timedelta(hours=1)
        cls.get_model_class().objects.filter(expire_date__lt=soon).delete()


# -- corrupted data -------------------------------------------------------------------


class SilentAboutCorruption(DualModeSessionMixin, db.SessionStore):
    """Turns data whose signature fails into an empty session without logging it."""

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        try:
            data: dict[str, Any] = signing.loads(
                str(session_data), salt=self.key_salt, serializer=self.serializer
            )
        except Exception:
            return {}
        return data


# -- subclass parity ----------------------------------------------------------------------


class LoadBypassed(DualModeSessionMixin, db.SessionStore):
    """Reads the row itself when the session is first used, past load() and its overrides."""

    def _get_session(self, no_load: bool = False) -> dict[str, Any]:
        self.accessed = True
        try:
            return self._session_cache  # type: ignore[no-any-return, has-type]
        except AttributeError:
            if self.session_key is None or no_load:
                self._session_cache = {}
            else:
                self._session_cache = db.SessionStore.load(self)
        return self._session_cache

    _session = property(_get_session)


# -- isolation and concurrency ------------------------------------------------------------


class SharesNewSessions(DualModeSessionMixin, db.SessionStore):
    """Starts every new session from one dict shared by all stores (a mutable default)."""

    _fresh: ClassVar[dict[str, Any]] = {}

    def _get_session(self, no_load: bool = False) -> dict[str, Any]:
        self.accessed = True
        try:
            return self._session_cache  # type: ignore[no-any-return, has-type]
        except AttributeError:
            if self.session_key is None or no_load:
                self._session_cache = self._fresh
            else:
                self._session_cache = self.load()
        return self._session_cache

    _session = property(_get_session)


class MergesOnSave(DualModeSessionMixin, db.SessionStore):
    """Merges what it saves into what is stored, so that concurrent writes are all kept."""

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        stored = self.model._base_manager.filter(session_key=self.session_key).first()
        merged = {**(self.decode(stored.session_data) if stored else {}), **data}
        return super().create_model_instance(merged)


class RevivesDeletedSessions(DualModeSessionMixin, db.SessionStore):
    """Saves a session another request deleted meanwhile, under its old key."""

    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create)
        except UpdateError:
            super().save(must_create=True)


class AsyncSaveDeletesThenInserts(db.SessionStore):
    """Its hand-written asave() replaces a session by deleting it, then inserting it anew."""

    async def asave(self, must_create: bool = False) -> None:
        if self.session_key is not None and not must_create:
            await self.adelete()
            must_create = True
        await super().asave(must_create)


# -- bad input ----------------------------------------------------------------------------


class PrefixMatchesKeys(DualModeSessionMixin, db.SessionStore):
    """Finds a session by the first 31 characters of its key (an index on a prefix)."""

    def _get_session_from_db(self) -> Any:
        found = self.model.objects.filter(
            session_key__startswith=(self.session_key or "")[:31],
            expire_date__gt=timezone.now(),
        ).first()
        if found is None:
            self._session_key = None
        return found


class AsciiOnlyKeys(DualModeSessionMixin, db.SessionStore):
    """Takes the cookie's key for ASCII, and fails on anything else."""

    def load(self) -> dict[str, Any]:
        if self.session_key is not None:
            self.session_key.encode("ascii")
        return super().load()


class TruncatesLargeSessions(DualModeSessionMixin, db.SessionStore):
    """Cuts what it stores to 64 KB, as a column of limited length would."""

    def encode(self, session_dict: dict[str, Any]) -> str:
        return super().encode(session_dict)[:65_536]


class ReplacesByDeleteThenInsert(DualModeSessionMixin, db.SessionStore):
    """Saves an existing session by deleting its row, then inserting it anew."""

    def save(self, must_create: bool = False) -> None:
        if self.session_key is not None and not must_create:
            self.delete()
            must_create = True
        super().save(must_create)


# -- the event loop and thread hops -------------------------------------------------------


class BlocksTheLoopOnLoad(db.SessionStore):
    """Its async load sleeps on the event loop."""

    async def aload(self) -> dict[str, Any]:
        time.sleep(0.2)  # noqa: ASYNC251 - the point: it blocks the loop
        return await super().aload()


class QueriesOnTheLoop(db.SessionStore):
    """Its async exists() runs the ORM's sync query on the event loop."""

    async def aexists(self, session_key: str) -> bool:
        return self.exists(session_key)


class HopsTwiceOnExists(db.SessionStore):
    """Its async exists() goes to a thread twice for the one query of exists()."""

    async def aexists(self, session_key: str) -> bool:
        exists: Any = self.exists
        await sync_to_async(str.strip)(session_key)  # a thread for nothing
        return bool(await sync_to_async(exists)(session_key))


class HopsForEachGet(db.SessionStore):
    """Its async get() goes to a thread each time, loaded or not."""

    async def aget(self, key: str, default: Any = None) -> Any:
        get: Any = self.get
        return await sync_to_async(get)(key, default)


# -- parity -------------------------------------------------------------------------------


class PopLeavesTheKey(DualModeSessionMixin, db.SessionStore):
    """pop() returns the value but leaves the key in the session."""

    def pop(self, key: str, *default: Any) -> Any:
        data: dict[str, Any] = self._session  # type: ignore[attr-defined]
        return data[key] if key in data else (default[0] if default else None)


class AsyncRowIgnoresCustomExpiry(db.SessionStore):
    """Its hand-written acreate_model_instance() stores the default expiry, not the session's."""

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        return self.model(
            session_key=await self._aget_or_create_session_key(),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=timezone.now() + timedelta(seconds=self.get_session_cookie_age()),
        )
