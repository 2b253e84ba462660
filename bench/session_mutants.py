"""Single-defect variants of Django's database session store: the session contract must catch each.

Each mutant is a store with one bug a maintainer could really write, named by
its class; its docstring tells the bug in one line and the mode it breaks
("async only" or "both modes"). The async-only ones drifted in an async side
written by hand next to Django's sync side, as Django writes its own stores:
they subclass the control :class:`AsyncSideRewritten` and change one of its
steps, so that only a comparison of the two modes, or of a mode with Django's
answers, can see them. The others are in code both modes share, which only an
oracle (Django's ``db.SessionStore``) can catch. Where a bug is known from a
real report, its comment cites it.

Every class keeps Django's key salt (:class:`_DjangosStore`): each stands for
Django's ``SessionStore`` edited in place, so the sessions Django wrote stay
readable, and a check comparing with Django's store meets one defect only.
:class:`RenamedStoreLosesSessions` does not keep it: that is its defect.

The three controls are correct stores written differently from Django's; a
good suite passes them. ``bench/session_suite_strength.py`` runs the contract
against each class, and ``tests/sessions/test_session_mutants.py`` shows each
defect against Django's store without the contract.
"""

from __future__ import annotations

import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.core import signing
from django.db import DatabaseError, IntegrityError, router, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import get_random_string

from auth_backend_sdk.sessions import DualModeSessionMixin

if TYPE_CHECKING:
    # A model module: importing it needs Django's app registry.
    from django.contrib.sessions.base_session import AbstractBaseSession as Row

__all__ = ["CONTROLS", "DJANGO_KEY_SALT", "MUTANTS"]

DJANGO_KEY_SALT = "django.contrib.sessions." + db.SessionStore.__qualname__
"""The key salt of Django's database store: what every session it wrote is signed with."""


class _DjangosStore(db.SessionStore):
    """Django's database store under another class name, with Django's key salt."""

    @property
    def key_salt(self) -> str:
        return DJANGO_KEY_SALT

    if TYPE_CHECKING:  # Django's private hooks, which django-stubs does not declare.

        def _get_session_from_db(self) -> Row | None: ...

        async def _aget_session_from_db(self) -> Row | None: ...

        async def _aget_session(self, no_load: bool = False) -> dict[str, Any]: ...

        def _get_new_session_key(self) -> str: ...

        async def _aget_new_session_key(self) -> str: ...

        async def _aget_or_create_session_key(self) -> str: ...

        def _validate_session_key(self, key: str | None) -> bool: ...


# -- controls -------------------------------------------------------------------------------


class AsyncSideRewritten(_DjangosStore):
    """Control: Django's sync side, and its async side rewritten on the async ORM.

    Correct, with one step per method, so that each async-only mutant changes
    one step. The sync side is Django's, restated here so that neither side of
    a pair is more derived than the other.
    """

    def _get_session_from_db(self) -> Row | None:
        return super()._get_session_from_db()

    def load(self) -> dict[str, Any]:
        return super().load()

    def exists(self, session_key: str) -> bool:
        return super().exists(session_key)

    def create(self) -> None:
        super().create()

    def create_model_instance(self, data: dict[str, Any]) -> Row:
        return super().create_model_instance(data)

    def _get_new_session_key(self) -> str:
        return super()._get_new_session_key()

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)

    def delete(self, session_key: str | None = None) -> None:
        super().delete(session_key)

    @classmethod
    def clear_expired(cls) -> None:
        super().clear_expired()

    async def _aget_session_from_db(self) -> Row | None:
        row = await self._alive_row(self.session_key)
        if row is None:
            self._forget_unknown_key()
        return row

    async def _alive_row(self, session_key: str | None) -> Row | None:
        rows = self.model.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
        return await rows.afirst()

    def _forget_unknown_key(self) -> None:
        # A key without a live row is the client's word only: never save under it.
        self._session_key = None

    async def aload(self) -> dict[str, Any]:
        row = await self._aget_session_from_db()
        return {} if row is None else self.decode(row.session_data)

    async def aexists(self, session_key: str) -> bool:
        return await self.model.objects.filter(session_key=session_key).aexists()

    async def acreate(self) -> None:
        while True:
            self._session_key = await self._aget_new_session_key()
            try:
                await self.asave(must_create=True)
            except CreateError:
                continue  # the key was taken meanwhile: draw another
            self._mark_created()
            return

    def _mark_created(self) -> None:
        self.modified = True

    async def _aget_new_session_key(self) -> str:
        while True:
            session_key = self._draw_key()
            if not await self.aexists(session_key):
                return session_key

    def _draw_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    async def acreate_model_instance(self, data: dict[str, Any]) -> Row:
        return self.model(
            session_key=await self._aget_or_create_session_key(),
            session_data=self.encode(data),
            expire_date=await self._aexpiry_date(),
        )

    async def _aexpiry_date(self) -> datetime:
        return await self.aget_expiry_date()

    async def asave(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return await self.acreate()
        data = await self._aget_session(no_load=must_create)
        row = await self.acreate_model_instance(data)
        await self._awrite(row, must_create)

    async def _awrite(self, row: Row, must_create: bool) -> None:
        try:
            await self._asave_row(row, must_create)
        except IntegrityError as exc:
            if must_create:
                raise CreateError from exc
            raise
        except DatabaseError as exc:
            if not must_create:
                raise UpdateError from exc
            raise

    async def _asave_row(self, row: Row, must_create: bool) -> None:
        await sync_to_async(self._save_row_atomically)(row, must_create)

    def _save_row_atomically(self, row: Row, must_create: bool) -> None:
        # In a savepoint: a failed insert must not break the request's transaction.
        using = router.db_for_write(self.model, instance=row)
        with transaction.atomic(using=using):
            row.save(force_insert=must_create, force_update=not must_create, using=using)

    async def adelete(self, session_key: str | None = None) -> None:
        key = self._key_to_delete(session_key)
        if key is not None:
            await self._adelete_row(key)

    def _key_to_delete(self, session_key: str | None) -> str | None:
        return self.session_key if session_key is None else session_key

    async def _adelete_row(self, session_key: str) -> None:
        await self.model.objects.filter(session_key=session_key).adelete()

    @classmethod
    async def aclear_expired(cls) -> None:
        await cls._expired_rows().adelete()

    @classmethod
    def _expired_rows(cls) -> QuerySet[Row]:
        return cls.get_model_class().objects.filter(expire_date__lt=timezone.now())


class LoadsThroughOneStep(_DjangosStore):
    """Control: load() and aload() overridden together, both through one decoding step."""

    loaded_expiry: datetime | None = None
    """When the loaded session expires, for a "your session ends at ..." banner."""

    def load(self) -> dict[str, Any]:
        return self._data_of(self._get_session_from_db())

    async def aload(self) -> dict[str, Any]:
        return self._data_of(await self._aget_session_from_db())

    def _data_of(self, row: Row | None) -> dict[str, Any]:
        if row is None:
            return {}
        self.loaded_expiry = row.expire_date
        return self.decode(row.session_data)


_saves = logging.getLogger("bench.session_mutants")


class SavesThroughTheMixin(DualModeSessionMixin, _DjangosStore):
    """Control: a DualModeSessionMixin store overriding save() alone; its asave() is derived."""

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        _saves.debug("session saved (must_create=%s)", must_create)


# -- async only: an async side that drifted from its sync twin ---------------------------------


class AsyncServesExpiredSessions(AsyncSideRewritten):
    """aload() looks the key up without the expiry filter: expired sessions log in (async only)."""

    async def _alive_row(self, session_key: str | None) -> Row | None:
        # "Expired rows are clearsessions' job."
        return await self.model.objects.filter(session_key=session_key).afirst()


class AsyncMustCreateOverwrites(AsyncSideRewritten):
    """asave(must_create=True) forgets force_insert: a new session overwrites a taken key's
    session (async only)."""

    def _save_row_atomically(self, row: Row, must_create: bool) -> None:
        using = router.db_for_write(self.model, instance=row)
        with transaction.atomic(using=using):
            row.save(force_update=not must_create, using=using)


class AsyncSaveResurrectsDeletedSessions(AsyncSideRewritten):
    """asave() forgets force_update: a session a concurrent logout deleted is written back
    (async only)."""

    # Django ticket #21608, https://github.com/django/django/pull/5950: a save must be an
    # update, never an upsert, or a logged-out session comes back to life.
    def _save_row_atomically(self, row: Row, must_create: bool) -> None:
        using = router.db_for_write(self.model, instance=row)
        with transaction.atomic(using=using):
            row.save(force_insert=must_create, using=using)


class AsyncCreateLeavesSessionUnmodified(AsyncSideRewritten):
    """acreate() does not set `modified`: the middleware never sends the cookie of a session a
    view created (async only)."""

    def _mark_created(self) -> None:
        pass


class AsyncKeepsUnknownKeys(AsyncSideRewritten):
    """aload() keeps a key that has no live row: the next asave() raises UpdateError (a 400 for
    every visitor with an expired cookie) (async only)."""

    # Why Django forgets such a key: ticket #19324 (CVE-2015-5143), and
    # https://github.com/hellysmile/django-mongo-sessions/pull/4 for a third-party store.
    def _forget_unknown_key(self) -> None:
        pass


class AsyncDeleteIgnoresItsKey(AsyncSideRewritten):
    """adelete(key) deletes the current session, not `key`: acycle_key() deletes the new
    session and keeps the old one (async only)."""

    def _key_to_delete(self, session_key: str | None) -> str | None:
        return self.session_key


class AsyncKeysOutsideDjangosAlphabet(AsyncSideRewritten):
    """_aget_new_session_key() draws keys from mixed-case letters: keys a case-insensitive
    collation or file system confuses (async only)."""

    # Django draws from lower-case letters and digits for that reason (base.py).
    def _draw_key(self) -> str:
        return get_random_string(32)


class AsyncCreateErrorSwallowed(AsyncSideRewritten):
    """asave(must_create=True) swallows CreateError: acreate() can keep a key another session
    holds (async only)."""

    async def _awrite(self, row: Row, must_create: bool) -> None:
        with contextlib.suppress(CreateError):  # "the session is there already"
            await super()._awrite(row, must_create)


class AsyncClearExpiredDeletesLiveSessions(AsyncSideRewritten):
    """aclear_expired() has the comparison the wrong way round: it deletes the live sessions
    (async only)."""

    # The same bug in another project's "clear expired sessions" job:
    # https://github.com/internetee/registry/issues/711
    @classmethod
    def _expired_rows(cls) -> QuerySet[Row]:
        return cls.get_model_class().objects.filter(expire_date__gt=timezone.now())


class AsyncSaveOutsideAtomic(AsyncSideRewritten):
    """asave() writes with the async ORM, outside transaction.atomic(): a key collision breaks
    the request's transaction (async only)."""

    # Django's own asave() says why it hops: "This code MUST run in a transaction". The
    # same mistake elsewhere: https://github.com/jazzband/django-taggit/issues/25,
    # https://github.com/python-social-auth/social-app-django/pull/20
    async def _asave_row(self, row: Row, must_create: bool) -> None:
        using = router.db_for_write(self.model, instance=row)
        await row.asave(force_insert=must_create, force_update=not must_create, using=using)


class AsyncLoadBlocksTheLoop(AsyncSideRewritten):
    """aload() runs its query in a thread pool and waits for it on the event loop: no other
    request runs meanwhile (async only)."""

    # The "fix" for SynchronousOnlyOperation that blocks the loop instead; an ASGI freeze
    # around the session: https://github.com/django-cms/django-cms/pull/8464
    async def _alive_row(self, session_key: str | None) -> Row | None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(self._alive_row_in_this_thread, session_key).result()

    def _alive_row_in_this_thread(self, session_key: str | None) -> Row | None:
        rows = self.model.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
        return rows.first()


class AsyncLoadCostsTwoHops(AsyncSideRewritten):
    """aload() asks aexists() before reading the row: two thread hops where one will do
    (async only)."""

    async def _alive_row(self, session_key: str | None) -> Row | None:
        if session_key is None or not await self.aexists(session_key):
            return None
        return await super()._alive_row(session_key)


class AsyncSaveIgnoresCustomExpiry(AsyncSideRewritten):
    """acreate_model_instance() stores the default expiry: set_expiry() has no effect on an
    async save (async only)."""

    async def _aexpiry_date(self) -> datetime:
        return timezone.now() + timedelta(seconds=self.get_session_cookie_age())


class AsyncDeleteOfAMissingRowRaises(AsyncSideRewritten):
    """adelete() of a key without a row raises DoesNotExist: the second of two concurrent
    logouts fails (async only)."""

    async def _adelete_row(self, session_key: str) -> None:
        row = await self.model.objects.aget(session_key=session_key)
        await row.adelete()


class AsyncExistsSkipsExpiredRows(AsyncSideRewritten):
    """aexists() counts live sessions only: it says an expired session's key is free
    (async only)."""

    def exists(self, session_key: str) -> bool:
        return super().exists(session_key)

    async def aexists(self, session_key: str) -> bool:
        rows = self.model.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
        return await rows.aexists()


# -- both modes: code both modes share ------------------------------------------------------


class ExpiredSessionsServed(_DjangosStore):
    """Looks keys up without the expiry filter, in both modes: expired sessions log in."""

    def _get_session_from_db(self) -> Row | None:
        return self._known(self.model.objects.filter(session_key=self.session_key).first())

    async def _aget_session_from_db(self) -> Row | None:
        return self._known(await self.model.objects.filter(session_key=self.session_key).afirst())

    def _known(self, row: Row | None) -> Row | None:
        if row is None:
            self._session_key = None
        return row


class TamperedDataRaises(_DjangosStore):
    """decode() lets BadSignature out instead of answering {}: a tampered row is a 500 in both
    modes."""

    # Django ticket #31895, https://github.com/django/django/pull/13321: invalid session
    # data crashed every request of the browser that held it.
    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        # Django's stores pass the row's text (https://github.com/django/django/pull/10470).
        text = session_data if isinstance(session_data, str) else session_data.decode()
        data: dict[str, Any] = signing.loads(text, salt=self.key_salt, serializer=self.serializer)
        return data


class FlushKeepsTheRow(_DjangosStore):
    """flush() forgets the key without deleting the row, in both modes: after logout the old
    cookie still logs in."""

    def flush(self) -> None:
        self._forget()

    async def aflush(self) -> None:
        self._forget()

    def _forget(self) -> None:
        # "Keep the row for the audit trail; clearsessions removes it."
        self.clear()
        self._session_key = None


class ExistsIgnoresCase(_DjangosStore):
    """exists() compares keys case-insensitively, in both modes: "ABC..." exists when
    "abc..." does."""

    def exists(self, session_key: str) -> bool:
        return self._rows_under(session_key).exists()

    async def aexists(self, session_key: str) -> bool:
        return await self._rows_under(session_key).aexists()

    def _rows_under(self, session_key: str) -> QuerySet[Row]:
        # "Keys may reach us upper-cased" (base.py: some backends store keys on
        # case-insensitive file systems).
        return self.model.objects.filter(session_key__iexact=session_key)


class CycleKeyKeepsTheKey(_DjangosStore):
    """cycle_key() keeps the key, in both modes: session fixation at login."""

    # "Rotating the key breaks the user's concurrent requests": the session a victim was
    # handed before login stays valid after it, e.g. https://github.com/Checkora/Checkora/pull/237
    def cycle_key(self) -> None:
        self.modified = True

    async def acycle_key(self) -> None:
        self.modified = True


class ShortKeysAccepted(_DjangosStore):
    """Accepts any non-empty session key, in both modes: a 1-character key is a session."""

    # Django ticket #24915, https://github.com/django/django/pull/4807: keys must be at
    # least 8 characters.
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key)


class RenamedStoreLosesSessions(db.SessionStore):
    """A subclass under its own name: the key salt changes, and every session Django's store
    wrote reads as {} in both modes (every user logged out on deploy)."""


class SessionCacheOnTheClass(_DjangosStore):
    """A class-level `_session_cache`, in both modes: every store shares one dict, and one
    session's data shows in another's."""

    # "So that is_empty() never meets an AttributeError."
    _session_cache: dict[str, Any] = {}


class SaveWithoutReadWipesData(_DjangosStore):
    """save() writes what is in memory without loading the stored session first, in both
    modes: with SESSION_SAVE_EVERY_REQUEST an unread session is emptied."""

    def save(self, must_create: bool = False) -> None:
        self._only_what_is_in_memory()
        super().save(must_create)

    async def asave(self, must_create: bool = False) -> None:
        self._only_what_is_in_memory()
        await super().asave(must_create)

    def _only_what_is_in_memory(self) -> None:
        # "A save must not cost a read."
        if not hasattr(self, "_session_cache"):
            self._session_cache: dict[str, Any] = {}


class LoadCreatesARow(_DjangosStore):
    """load() of an unknown key creates a new session row, in both modes: any client can fill
    the table."""

    # Django before CVE-2015-5143 (ticket #19324), and django-user-sessions' load() until
    # https://github.com/jazzband/django-user-sessions/pull/175
    def load(self) -> dict[str, Any]:
        data = super().load()
        if self.session_key is None:
            self.create()
        return data

    async def aload(self) -> dict[str, Any]:
        data = await super().aload()
        if self.session_key is None:
            await self.acreate()
        return data


CONTROLS: tuple[type[db.SessionStore], ...] = (
    AsyncSideRewritten,
    LoadsThroughOneStep,
    SavesThroughTheMixin,
)
"""Correct stores written differently from Django's: the suite must pass them."""

MUTANTS: tuple[type[db.SessionStore], ...] = (
    AsyncServesExpiredSessions,
    AsyncMustCreateOverwrites,
    AsyncSaveResurrectsDeletedSessions,
    AsyncCreateLeavesSessionUnmodified,
    AsyncKeepsUnknownKeys,
    AsyncDeleteIgnoresItsKey,
    AsyncKeysOutsideDjangosAlphabet,
    AsyncCreateErrorSwallowed,
    AsyncClearExpiredDeletesLiveSessions,
    AsyncSaveOutsideAtomic,
    AsyncLoadBlocksTheLoop,
    AsyncLoadCostsTwoHops,
    AsyncSaveIgnoresCustomExpiry,
    AsyncDeleteOfAMissingRowRaises,
    AsyncExistsSkipsExpiredRows,
    ExpiredSessionsServed,
    TamperedDataRaises,
    FlushKeepsTheRow,
    ExistsIgnoresCase,
    CycleKeyKeepsTheKey,
    ShortKeysAccepted,
    RenamedStoreLosesSessions,
    SessionCacheOnTheClass,
    SaveWithoutReadWipesData,
    LoadCreatesARow,
)
"""One defect each: the suite must fail every one."""
