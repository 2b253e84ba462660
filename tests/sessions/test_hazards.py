"""The hazards of Django's own session stores, subclassed the way projects subclass them.

Fourteen cases, each one override on one of Django's five stores
(``tests/sessions/hazard_stores.py``). As written, sync and async disagree on eleven:
Django's ``db``, ``cache`` and ``cached_db`` stores write their async I/O natively, and
``SessionBase``'s upper API (``aget``, ``aset``, ``aflush``, ``acycle_key``,
``aget_expiry_date``, ...) is composed over ``_aget_session()`` and the other async methods,
so none of them calls a sync override. Three agree (the controls): the ``file`` and
``signed_cookies`` stores call ``self.load()``, ``self.exists()`` and ``self.save()`` from
their async side. Adapted, with ``DualModeSessionMixin`` or ``dual_mode()``, all fourteen
agree in both modes, and so does what they store.

Each case is one scenario, written once and run in each mode. It returns what the caller
saw and what the store holds afterwards (the row, the cache entry, the file or the
cookie), read directly rather than through the store under test.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends import cache, cached_db, db, file, signed_cookies
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.exceptions import SynchronousOnlyOperation
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from auth_backend_sdk import dual_mode
from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.sessions import DualModeSessionMixin
from auth_backend_sdk.sessions.family import SESSIONS
from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from tests.sessions.hazard_stores import (
    CACHED_FOR_AT_MOST,
    FINGERPRINT,
    LONGEST_SESSION,
    ROTATIONS,
    TOMBSTONE_PREFIX,
    WRITES,
    AccountSessionStore,
    FingerprintDbStore,
    FingerprintFileStore,
    GraceDbStore,
    KioskDbStore,
    LegacySessions,
    MigratingFileStore,
    MySessionStore,
    RefusesForeignFingerprints,
    RevokingDbStore,
    RevokingFileStore,
    RotationCountingFileStore,
    ShortCacheCachedDbStore,
    SiteDefaultsCacheStore,
    SiteDefaultsSignedCookieStore,
    TombstoneCacheStore,
    TransientDroppingCachedDbStore,
    TransientDroppingSignedCookieStore,
    WriteCountingCachedDbStore,
    WriteCountingDbStore,
    session_cache,
)
from tests.testapp.models import AccountSession

pytestmark = pytest.mark.django_db

Store = type[SessionBase]


def call(mode: Mode, session: object, method: str, *args: Any) -> Any:
    """``method`` of ``session`` (a store or its class) in ``mode``."""
    return mode.call(session, method, *args)


def adapt(store: Store) -> Store:
    """``dual_mode(store)``, for a session store."""
    adapted: Store = dual_mode(store)
    return adapted


class Observed(NamedTuple):
    """What the caller saw, and what the store holds afterwards."""

    seen: object
    stored: object


# What a store holds, read without the store under test.


def stored(store: Store, key: str | None) -> object:
    """The data ``store`` holds under ``key``: ``None`` when it holds nothing.

    ``cached_db`` holds two copies: the row and the cache entry.
    """
    if key is None:
        return None
    if issubclass(store, cached_db.SessionStore):
        return row_data(store, key), cache_entry(store, key)
    if issubclass(store, db.SessionStore):
        return row_data(store, key)
    if issubclass(store, cache.SessionStore):
        return cache_entry(store, key)
    if issubclass(store, file.SessionStore):
        return file_data(store, key)
    assert issubclass(store, signed_cookies.SessionStore)
    # The cookie is the session: Django signs it with a salt of its own.
    salt = "django.contrib.sessions.backends.signed_cookies"
    return signing.loads(key, salt=salt, serializer=store().serializer)


def row_data(store: type[db.SessionStore], key: str) -> object:
    row = store.get_model_class().objects.filter(session_key=key).first()
    return None if row is None else store().decode(row.session_data)


def cache_entry(store: type[cache.SessionStore] | type[cached_db.SessionStore], key: str) -> object:
    return session_cache().get(store.cache_key_prefix + key)


def file_data(store: Store, key: str) -> object:
    path = Path(str(settings.SESSION_FILE_PATH)) / (settings.SESSION_COOKIE_NAME + key)
    return store().decode(path.read_text()) if path.exists() else None


def seed(store: Store, data: dict[str, Any]) -> str:
    """A saved session of ``store`` holding ``data``, written in sync mode; its key."""
    session = store()
    session.update(data)
    session.save()
    assert session.session_key is not None
    return session.session_key


# The scenarios: one body each, run in either mode.


def hijacked_session_is_read_then_written(mode: Mode, store: Store) -> Observed:
    """Mallory presents Alice's session key from another device, reads it, then writes to it."""
    key = seed(store, {FINGERPRINT: "alice-laptop", "basket": "3 books"})
    session = store(key)
    assert isinstance(session, RefusesForeignFingerprints)
    session.fingerprint = "mallory-phone"
    seen = call(mode, session, "get", "basket")
    call(mode, session, "__setitem__", "basket", "emptied by mallory")
    call(mode, session, "save")
    return Observed(seen, stored(store, key))


def deactivated_users_session_is_read_then_written(mode: Mode, store: Store) -> Observed:
    """The session of a user deactivated since they logged in is read, then written."""
    user, _ = User.objects.get_or_create(username="deactivated", defaults={"is_active": False})
    key = seed(store, {SESSION_KEY: str(user.pk), "basket": "3 books"})
    session = store(key)
    seen_as_logged_in = call(mode, session, "get", SESSION_KEY) == str(user.pk)
    call(mode, session, "__setitem__", "basket", "emptied")
    call(mode, session, "save")
    row = stored(store, key)
    assert isinstance(row, dict)
    return Observed(seen_as_logged_in, row["basket"])


def login_is_saved(mode: Mode, store: Store) -> Observed:
    """A session gets its user (as ``login()`` sets it), then is saved; the row's account."""
    session = store()
    call(mode, session, "__setitem__", SESSION_KEY, "42")
    call(mode, session, "save")
    row = AccountSession.objects.get(session_key=session.session_key)
    return Observed(row.account_id, stored(store, session.session_key))


def session_saved_now_expires_within_the_hour(mode: Mode, store: Store) -> Observed:
    """A new session is saved: when the store says it expires, and when its row does."""
    session = store()
    call(mode, session, "__setitem__", "k", "v")
    call(mode, session, "save")
    answered = call(mode, session, "get_expiry_date")
    assert issubclass(store, db.SessionStore)
    expire_date = store.get_model_class().objects.get(session_key=session.session_key).expire_date
    latest = timezone.now() + LONGEST_SESSION
    return Observed(answered <= latest, expire_date <= latest)


def expired_sessions_are_cleared(mode: Mode, store: Store) -> Observed:
    """One session expired an hour ago, one two days ago; ``clear_expired()`` runs."""
    assert issubclass(store, db.SessionStore)
    model = store.get_model_class()
    expired = {"an hour ago": timedelta(hours=1), "two days ago": timedelta(days=2)}
    keys = {}
    for name, age in expired.items():
        keys[name] = seed(store, {"k": name})
        model.objects.filter(session_key=keys[name]).update(expire_date=timezone.now() - age)
    call(mode, store, "clear_expired")
    left = sorted(name for name, key in keys.items() if stored(store, key) is not None)
    return Observed(None, left)


def new_session_is_written_and_saved(mode: Mode, store: Store) -> Observed:
    """A new session gets a key and a transient key, then is saved; what it holds then."""
    session = store()
    call(mode, session, "__setitem__", "k", "v")
    call(mode, session, "__setitem__", "tmp_upload", "40%")
    call(mode, session, "save")
    return Observed(dict(call(mode, session, "items")), stored(store, session.session_key))


def logout_flushes_the_session(mode: Mode, store: Store) -> Observed:
    """A logged-in session is flushed, as ``logout()`` does: is there a tombstone?"""
    key = seed(store, {SESSION_KEY: "42"})
    call(mode, store(key), "flush")
    return Observed(session_cache().get(TOMBSTONE_PREFIX + key), stored(store, key))


def login_rotates_the_key(mode: Mode, store: Store) -> Observed:
    """A session's key is rotated, as ``login()`` does, then the session is saved."""
    key = seed(store, {"k": "v"})
    session = store(key)
    call(mode, session, "cycle_key")
    call(mode, session, "save")
    rotated = session.session_key != key
    return Observed(rotated, (stored(store, key), stored(store, session.session_key)))


def preferences_are_read(mode: Mode, store: Store) -> Observed:
    """A session without preferences is asked for its theme."""
    key = seed(store, {"k": "v"})
    session = store(key)
    seen = (call(mode, session, "get", "theme"), call(mode, session, "get", "k"))
    return Observed(seen, stored(store, key))


def key_of_the_old_store_is_taken(mode: Mode, store: Store) -> Observed:
    """A key still used by the cache store, from which the site is moving."""
    old_key = seed(cache.SessionStore, {"k": "v"})
    return Observed(call(mode, store(), "exists", old_key), stored(store, old_key))


# The cases.


@dataclass(frozen=True)
class Case:
    store: Store
    overrides: str
    scenario: Callable[[Mode, Store], Observed]
    intended: Observed
    """What the override is for: the sync outcome as written, and both outcomes adapted."""
    async_as_written: Observed
    """The async outcome as written: ``intended`` for the controls only."""

    @property
    def id(self) -> str:
        return f"{kind_of(self.store)}-{self.overrides}"


def django_store_of(store: Store) -> Store:
    """The Django store ``store`` subclasses."""
    return next(k for k in store.__mro__ if k.__module__ in DJANGO_STORE_MODULES)


def kind_of(store: Store) -> str:
    """``db``, ``cache``, ``cached_db``, ``file`` or ``signed_cookies``."""
    return django_store_of(store).__module__.rpartition(".")[2]


DJANGO_STORES: list[Store] = [
    db.SessionStore,
    cache.SessionStore,
    cached_db.SessionStore,
    file.SessionStore,
    signed_cookies.SessionStore,
]
DJANGO_STORE_MODULES = {store.__module__ for store in DJANGO_STORES}


VICTIMS_SESSION = {FINGERPRINT: "alice-laptop", "basket": "3 books"}
HIJACKED = {FINGERPRINT: "alice-laptop", "basket": "emptied by mallory"}
WRITTEN = {"k": "v", "tmp_upload": "40%"}
KEPT = {"k": "v"}
COUNTED = {**WRITTEN, WRITES: 2}
WITH_DEFAULTS = {**WRITTEN, "theme": "light"}
REFUSED = Observed(None, VICTIMS_SESSION)

CASES = [
    # The security holes: a refusal on read is bypassed, and the intruder writes in.
    Case(
        FingerprintDbStore,
        "load",
        hijacked_session_is_read_then_written,
        intended=REFUSED,
        async_as_written=Observed("3 books", HIJACKED),
    ),
    Case(
        RevokingDbStore,
        "_get_session_from_db",
        deactivated_users_session_is_read_then_written,
        intended=Observed(False, "3 books"),
        async_as_written=Observed(True, "emptied"),
    ),
    # Django's documented extension of the db store.
    Case(
        AccountSessionStore,
        "create_model_instance",
        login_is_saved,
        intended=Observed(42, {SESSION_KEY: "42"}),
        async_as_written=Observed(None, {SESSION_KEY: "42"}),
    ),
    Case(
        KioskDbStore,
        "get_expiry_date",
        session_saved_now_expires_within_the_hour,
        intended=Observed(True, True),
        async_as_written=Observed(False, False),
    ),
    Case(
        GraceDbStore,
        "clear_expired",
        expired_sessions_are_cleared,
        intended=Observed(None, ["an hour ago"]),
        async_as_written=Observed(None, []),
    ),
    Case(
        SiteDefaultsCacheStore,
        "create",
        new_session_is_written_and_saved,
        intended=Observed(WITH_DEFAULTS, WITH_DEFAULTS),
        async_as_written=Observed(WRITTEN, WRITTEN),
    ),
    Case(
        TombstoneCacheStore,
        "delete",
        logout_flushes_the_session,
        intended=Observed(True, None),
        async_as_written=Observed(None, None),
    ),
    Case(
        WriteCountingCachedDbStore,
        "__setitem__",
        new_session_is_written_and_saved,
        intended=Observed(COUNTED, (COUNTED, COUNTED)),
        async_as_written=Observed(WRITTEN, (WRITTEN, WRITTEN)),
    ),
    Case(
        TransientDroppingCachedDbStore,
        "save",
        new_session_is_written_and_saved,
        intended=Observed(KEPT, (KEPT, KEPT)),
        async_as_written=Observed(WRITTEN, (WRITTEN, WRITTEN)),
    ),
    Case(
        RotationCountingFileStore,
        "cycle_key",
        login_rotates_the_key,
        intended=Observed(True, (None, {"k": "v", ROTATIONS: 1})),
        async_as_written=Observed(True, (None, {"k": "v"})),
    ),
    Case(
        SiteDefaultsSignedCookieStore,
        "get",
        preferences_are_read,
        intended=Observed(("light", "v"), {"k": "v"}),
        async_as_written=Observed((None, "v"), {"k": "v"}),
    ),
    # The controls: Django's file and signed-cookie stores call these through self.
    Case(
        FingerprintFileStore,
        "load",
        hijacked_session_is_read_then_written,
        intended=REFUSED,
        async_as_written=REFUSED,
    ),
    Case(
        MigratingFileStore,
        "exists",
        key_of_the_old_store_is_taken,
        intended=Observed(True, None),
        async_as_written=Observed(True, None),
    ),
    Case(
        TransientDroppingSignedCookieStore,
        "save",
        new_session_is_written_and_saved,
        intended=Observed(KEPT, KEPT),
        async_as_written=Observed(KEPT, KEPT),
    ),
]

CONTROLS = {"file-load", "file-exists", "signed_cookies-save"}


def with_mixin(store: Store) -> Store:
    """``store`` as its author makes it dual-mode: ``DualModeSessionMixin`` first in its bases."""
    namespace = {"__module__": store.__module__, "__qualname__": store.__qualname__}
    made: Store = types.new_class(
        store.__name__, (DualModeSessionMixin, store), exec_body=lambda ns: ns.update(namespace)
    )
    return made


# Fixtures: a clean cache and a directory of their own for file sessions, per test.


@pytest.fixture(autouse=True)
def empty_session_cache() -> Iterator[None]:
    session_cache().clear()
    yield
    session_cache().clear()


def file_store_classes() -> list[type[file.SessionStore]]:
    found, pending = [], [file.SessionStore]
    while pending:
        klass = pending.pop()
        found.append(klass)
        pending.extend(klass.__subclasses__())
    return found


def forget_storage_paths() -> dict[type, object]:
    """Django's file store remembers its directory on the class at first use: forget it."""
    forgotten = {}
    for klass in file_store_classes():
        if "_storage_path" in vars(klass):
            forgotten[klass] = vars(klass)["_storage_path"]
            delattr(klass, "_storage_path")
    return forgotten


@pytest.fixture(autouse=True)
def session_files(tmp_path: Path) -> Iterator[Path]:
    """``SESSION_FILE_PATH``, a directory of this test's own."""
    remembered = forget_storage_paths()
    try:
        with override_settings(SESSION_FILE_PATH=str(tmp_path)):
            yield tmp_path
    finally:
        forget_storage_paths()
        for klass, path in remembered.items():
            setattr(klass, "_storage_path", path)  # noqa: B010 (private to Django's class)


# (a) As written.


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_as_written_sync_and_async_disagree_except_the_controls(case: Case) -> None:
    assert case.scenario(SYNC, case.store) == case.intended
    assert case.scenario(ASYNC, case.store) == case.async_as_written


def test_of_fourteen_cases_three_agree_as_written() -> None:
    assert len({case.id for case in CASES}) == 14
    agreeing = {case.id for case in CASES if case.async_as_written == case.intended}
    assert agreeing == CONTROLS


# (b) With DualModeSessionMixin, (c) with dual_mode().


@pytest.mark.parametrize("adapter", [with_mixin, adapt], ids=["mixin", "dual_mode"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_adapted_both_modes_do_what_the_override_says(
    case: Case, adapter: Callable[[Store], Store], backend_mode: Mode
) -> None:
    adapted = adapter(case.store)
    assert adapted is not case.store
    assert case.scenario(backend_mode, adapted) == case.intended


# Beyond the controls: the file store honours an override of load() by running it on the
# event loop, which the ORM refuses.


def test_as_written_a_file_store_load_that_queries_fails_in_async() -> None:
    revoked = Observed(False, "3 books")
    assert deactivated_users_session_is_read_then_written(SYNC, RevokingFileStore) == revoked
    with pytest.raises(SynchronousOnlyOperation):
        deactivated_users_session_is_read_then_written(ASYNC, RevokingFileStore)


def test_adapted_a_file_store_load_that_queries_runs_in_a_thread(backend_mode: Mode) -> None:
    adapted = adapt(RevokingFileStore)
    revoked = Observed(False, "3 books")
    assert deactivated_users_session_is_read_then_written(backend_mode, adapted) == revoked


# Costs: an override of the in-memory API adds no thread hop; a derived I/O method hops once.


def hops_of(session: SessionBase, method: str, *args: Any, times: int = 2) -> list[int]:
    """The thread hops of each of ``times`` calls of the async side of ``method``."""
    twin = SESSIONS.pair(method).async_name

    async def counted() -> list[int]:
        counts = []
        for _ in range(times):
            with count_hops() as hops:
                await getattr(session, twin)(*args)
            counts.append(hops.count)
        return counts

    return async_to_sync(counted)()


def hops_on_a_saved_and_a_new_session(store: Store, method: str, *args: Any) -> list[list[int]]:
    saved = store(seed(store, {"k": "v"}))
    return [hops_of(saved, method, *args), hops_of(store(), method, *args)]


@pytest.mark.parametrize(
    ("store", "method", "args", "expected_hops", "honoured"),
    [
        pytest.param(
            WriteCountingDbStore,
            "__setitem__",
            ("k", "w"),
            [[1, 0], [0, 0]],
            lambda session: session[WRITES] == 2,
            id="db-__setitem__",
        ),
        pytest.param(
            KioskDbStore,
            "get_expiry_date",
            (),
            [[1, 0], [0, 0]],
            lambda session: (
                async_to_sync(session.aget_expiry_date)() <= timezone.now() + LONGEST_SESSION
            ),
            id="db-get_expiry_date",
        ),
        pytest.param(
            SiteDefaultsSignedCookieStore,
            "get",
            ("theme",),
            [[0, 0], [0, 0]],
            lambda session: async_to_sync(session.aget)("theme") == "light",
            id="signed_cookies-get",
        ),
    ],
)
def test_an_in_memory_override_costs_the_hops_of_djangos_own_method(
    store: Store,
    method: str,
    args: tuple[Any, ...],
    expected_hops: list[list[int]],
    honoured: Callable[[SessionBase], bool],
) -> None:
    adapted = adapt(store)
    # The load, if the session has a key and is not loaded yet; nothing once it is.
    assert hops_on_a_saved_and_a_new_session(adapted, method, *args) == expected_hops
    assert hops_on_a_saved_and_a_new_session(django_store_of(store), method, *args) == (
        expected_hops
    )
    # And the async side ran the override.
    session = adapted(seed(adapted, {"k": "v"}))
    hops_of(session, method, *args)
    assert honoured(session)


def test_a_derived_io_method_hops_once() -> None:
    adapted = adapt(FingerprintDbStore)
    key = seed(adapted, {"k": "v"})
    assert hops_of(adapted(key), "load") == [1, 1]
    assert hops_of(db.SessionStore(seed(db.SessionStore, {"k": "v"})), "load") == [1, 1]


# cached_db's aload() asks aget_expiry_age(expiry=...) while it is still loading.


def read_from_the_database(mode: Mode, store: Store) -> tuple[object, ...]:
    """A saved session read on a cache miss: what was read, the override's calls during the
    read, the queries made, then the expiry age the store answers."""
    key = seed(store, {"k": "v"})
    session_cache().clear()
    session = store(key)
    assert isinstance(session, ShortCacheCachedDbStore)
    with CaptureQueriesContext(connection) as queries:
        seen = call(mode, session, "get", "k")
    calls_while_loading = list(session.expiry_age_calls)
    return seen, calls_while_loading, len(queries), call(mode, session, "get_expiry_age")


def test_as_written_cached_db_load_bypasses_an_expiry_age_override() -> None:
    default_age = settings.SESSION_COOKIE_AGE
    honoured = ("v", [("expiry",)], 1, CACHED_FOR_AT_MOST)
    assert read_from_the_database(SYNC, ShortCacheCachedDbStore) == honoured
    assert read_from_the_database(ASYNC, ShortCacheCachedDbStore) == ("v", [], 1, default_age)


def test_adapted_cached_db_load_honours_the_override_without_loading_twice(
    backend_mode: Mode,
) -> None:
    # Asked with expiry=, the derived aget_expiry_age must not load the session first: the
    # load in progress would start again, and again.
    honoured = ("v", [("expiry",)], 1, CACHED_FOR_AT_MOST)
    assert read_from_the_database(backend_mode, adapt(ShortCacheCachedDbStore)) == honoured


def test_adapted_cached_db_read_hops_as_djangos_own() -> None:
    def read_hops(store: Store) -> list[int]:
        key = seed(store, {"k": "v"})
        session_cache().clear()
        return hops_of(store(key), "get", "k")

    # The cache, the database, the cache again; then nothing.
    assert read_hops(adapt(ShortCacheCachedDbStore)) == [3, 0]
    assert read_hops(cached_db.SessionStore) == [3, 0]


# The key salt: SessionBase.key_salt contains the class's __qualname__.


def forget_cached_copy(store: Store, key: str) -> None:
    """Make the next read of a ``cached_db`` session decode its row (the cache holds dicts)."""
    if issubclass(store, cached_db.SessionStore):
        session_cache().delete(store.cache_key_prefix + key)


SALTED = [*DJANGO_STORES, LegacySessions.SessionStore]


def salted_id(store: Store) -> str:
    return f"{kind_of(store)}-{store.__qualname__}"


@pytest.mark.parametrize("original", SALTED, ids=salted_id)
def test_dual_mode_keeps_the_key_salt(original: Store) -> None:
    adapted = adapt(original)
    assert adapted.__qualname__ == original.__qualname__
    assert adapted().key_salt == original().key_salt


@pytest.mark.parametrize("original", SALTED, ids=salted_id)
def test_sessions_written_by_the_original_are_read_by_the_adapted_and_back(
    original: Store, backend_mode: Mode
) -> None:
    adapted = adapt(original)
    for writer, reader in ((original, adapted), (adapted, original)):
        session = writer()
        call(backend_mode, session, "__setitem__", "k", writer.__module__)
        call(backend_mode, session, "save")
        assert session.session_key is not None
        forget_cached_copy(writer, session.session_key)
        assert call(backend_mode, reader(session.session_key), "get", "k") == writer.__module__


def test_a_renamed_subclass_reads_djangos_sessions_as_empty(backend_mode: Mode) -> None:
    key = seed(db.SessionStore, {"k": "v"})
    assert MySessionStore().key_salt != db.SessionStore().key_salt
    assert dict(call(backend_mode, MySessionStore(key), "items")) == {}
    # dual_mode() keeps the name, and with it the salt.
    assert dict(call(backend_mode, adapt(db.SessionStore)(key), "items")) == {"k": "v"}
