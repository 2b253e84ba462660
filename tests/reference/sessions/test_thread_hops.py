"""Thread hops of each async method, Django's engine measured beside the reference one.

The floor with Django's sync ORM and caches is one hop per call that reaches
the store, whatever it does there: the reference ``db``, ``cache`` and
``cached_db`` engines are held to exactly that, the ``signed_cookies`` engine
to none, and each to at most what Django's engine costs for the same call.

``cached_db`` also: a read served by the cache makes no database query, and
creating a session writes the cache once, in either mode (Django's ``save()``
and ``asave()`` of a new session write it twice).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.testing import SYNC, Mode
from tests.reference.sessions.caches import counted_cache_writes
from tests.reference.sessions.stores import (
    DJANGO,
    ENGINES,
    REFERENCE,
    SERVER_SIDE,
    Store,
    forget_cached_copy,
    seed,
)

pytestmark = pytest.mark.django_db

DATA = {"user": "alice"}
Call = Callable[[], Awaitable[Any]]


def _loaded(store: Store) -> SessionBase:
    session = store(seed(store, DATA))
    session.get("user")  # loaded in sync mode, outside what is counted
    return session


def _changed(store: Store) -> Call:
    session = _loaded(store)
    session["visits"] = 1
    return session.asave


def _new(store: Store) -> Call:
    session = store()
    session["visits"] = 1
    return session.asave


def _cache_miss(store: Store) -> Call:
    key = seed(store, DATA)
    forget_cached_copy(store, key)
    return store(key).aload


CALLS: dict[str, Callable[[Store], Call]] = {
    "acreate": lambda store: store().acreate,
    "asave (a new session)": _new,
    "asave (a session changed)": _changed,
    "aload": lambda store: store(seed(store, DATA)).aload,
    "aload (cached_db, a cache miss)": _cache_miss,
    "acycle_key": lambda store: _loaded(store).acycle_key,
    "aflush": lambda store: _loaded(store).aflush,
    "aexists": lambda store: partial(store().aexists, seed(store, DATA)),
    "adelete": lambda store: store(seed(store, DATA)).adelete,
}
"""Label -> set-up (sync) of one async call on a store, returning the call."""


ON_THE_LOOP = {
    ("cached_db", "aexists"): (
        "Django's cached_db aexists() asks the cache with the sync `in` on the event loop (a "
        "blocking round trip with memcached or Redis), and hops only on a cache miss"
    ),
}
"""Calls where Django's engine hops less by doing sync I/O on the event loop."""


def hops(call: Call) -> int:
    async def counted() -> int:
        with count_hops() as counter:
            await call()
        return counter.count

    return async_to_sync(counted)()


def cases() -> list[Any]:
    return [
        pytest.param(engine, label, id=f"{engine}-{label}")
        for engine in ENGINES
        for label in CALLS
        if "cached_db" not in label or engine == "cached_db"
    ]


@pytest.mark.parametrize(("engine", "label"), cases())
def test_each_async_call_hops_at_the_floor_and_never_more_than_djangos(
    engine: str, label: str
) -> None:
    floor = 1 if engine in SERVER_SIDE else 0
    reference = hops(CALLS[label](REFERENCE[engine]))
    djangos = hops(CALLS[label](DJANGO[engine]))
    assert reference == floor, f"reference: {reference}, Django's: {djangos}"
    if (engine, label) in ON_THE_LOOP:
        assert djangos == 0, ON_THE_LOOP[engine, label]
    else:
        assert reference <= djangos


def test_djangos_cached_db_writes_a_new_session_in_four_hops_ours_in_one() -> None:
    # The oracle of the table: Django's asave() of a new cached_db session.
    assert hops(_new(DJANGO["cached_db"])) == 4
    assert hops(_new(REFERENCE["cached_db"])) == 1


# -- cached_db: the cache in front of the table ---------------------------------------------

CACHED_DB = [
    pytest.param(DJANGO["cached_db"], id="django"),
    pytest.param(REFERENCE["cached_db"], id="reference"),
]


@pytest.mark.parametrize("store", CACHED_DB)
def test_cached_db_read_from_the_cache_makes_no_database_query(
    store: Store, backend_mode: Mode
) -> None:
    key = seed(store, DATA)
    with CaptureQueriesContext(connection) as hit:
        assert backend_mode.call(store(key), "get", "user") == "alice"
    forget_cached_copy(store, key)
    with CaptureQueriesContext(connection) as miss:
        assert backend_mode.call(store(key), "get", "user") == "alice"
    assert (len(hit), len(miss)) == (0, 1)


def writes_creating_a_session(mode: Mode, store: Store, method: str) -> list[str]:
    """The cache writes of ``create()`` or ``save()`` of a session without a key, in ``mode``."""
    with counted_cache_writes() as writes:
        session = store()  # a store takes its cache when it is made
        session["visits"] = 1
        writes.clear()
        mode.call(session, method)
        written = list(writes)
        assert session.session_key is not None
        assert mode.call(store(session.session_key), "get", "visits") == 1
    return written


@pytest.mark.parametrize("method", ["create", "save"])
def test_reference_cached_db_writes_the_cache_once_creating_a_session(
    method: str, backend_mode: Mode
) -> None:
    assert len(writes_creating_a_session(backend_mode, REFERENCE["cached_db"], method)) == 1


def test_djangos_cached_db_writes_the_cache_twice_saving_a_new_session(
    backend_mode: Mode,
) -> None:
    # The oracle: the same session written twice, by save() and by the create() it calls
    # (create() alone writes once).
    twice = writes_creating_a_session(backend_mode, DJANGO["cached_db"], "save")
    assert len(twice) == 2
    assert len(set(twice)) == 1
    assert len(writes_creating_a_session(backend_mode, DJANGO["cached_db"], "create")) == 1


def test_both_cached_db_stores_write_what_the_other_reads() -> None:
    # One write fewer, the same entry: each reads the other's new session from the cache.
    for writer, reader in ((REFERENCE, DJANGO), (DJANGO, REFERENCE)):
        session = writer["cached_db"]()
        session["visits"] = 1
        session.save()
        assert session.session_key is not None
        with CaptureQueriesContext(connection) as queries:
            assert SYNC.call(reader["cached_db"](session.session_key), "get", "visits") == 1
        assert len(queries) == 0
