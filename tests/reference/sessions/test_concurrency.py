"""Two requests saving one session at once, and a request cancelled while it saves.

Two requests each load a session, change it, and save it at the same moment
(two threads in sync mode; two tasks, each with its own sync thread and
connection as under ASGI, in async mode): neither crashes, and the session
holds one request's whole write (the last one wins, as Django documents; no
merge), as with Django's engine. Saved one after the other, the second wins.

A request cancelled while its ``asave()`` runs in its thread (held mid-write
by an execute wrapper waiting on an event) leaves the row whole, and its
connection goes back closed, out of any transaction, with no lock held.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from asgiref.sync import ThreadSensitiveContext, async_to_sync, sync_to_async
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from tests.reference.sessions.stores import (
    DJANGO,
    REFERENCE,
    SERVER_SIDE,
    Store,
    cache_entry,
    keeps_rows,
    row,
    seed,
    stores,
)

ALICE = {"user": "alice"}
WRITES = ({**ALICE, "cart": "first"}, {**ALICE, "cart": "second"})
SERVER_STORES = [pytest.param(store, id=label) for label, store in stores(SERVER_SIDE)]


async def as_a_request(call: Callable[[], Awaitable[Any]]) -> Any:
    """Await ``call()`` as Django's ASGI handler runs a request: a sync thread of its own
    (hence its own connection), closed at the end as ``request_finished`` closes it."""
    async with ThreadSensitiveContext():
        try:
            return await call()
        finally:
            await sync_to_async(connections.close_all)()


def save_at_once(mode: Mode, sessions: list[Any]) -> list[BaseException]:
    """Save every session at the same moment, each as a request of its own: the errors."""
    if mode is ASYNC:

        async def gathered() -> list[Any]:
            saves = (as_a_request(session.asave) for session in sessions)
            return await asyncio.gather(*saves, return_exceptions=True)

        return [r for r in async_to_sync(gathered)() if isinstance(r, BaseException)]

    errors: list[BaseException] = []
    start = threading.Barrier(len(sessions))

    def request(session: Any) -> None:
        try:
            start.wait()
            session.save()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def changed_copies(mode: Mode, store: Store, key: str) -> list[Any]:
    """Two requests' stores on ``key``, each loaded, then changed to one of :data:`WRITES`."""
    sessions = []
    for write in WRITES:
        session = store(key)
        assert mode.call(session, "get", "user") == "alice"
        mode.call(session, "update", write)
        sessions.append(session)
    return sessions


def what_is_stored(store: Store, key: str) -> list[dict[str, Any]]:
    """The session as a fresh store loads it, then its row (or its cache entry) read directly."""
    stored = [dict(store(key).items())]
    if keeps_rows(store):
        found = row(key)
        assert found is not None
        stored.append(store().decode(found.session_data))
    else:
        stored.append(cache_entry(store, key))
    return stored


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", SERVER_STORES)
def test_two_requests_saving_one_session_at_once_leave_one_whole_write(
    store: Store, backend_mode: Mode
) -> None:
    key = seed(store, ALICE)
    sessions = changed_copies(backend_mode, store, key)

    assert save_at_once(backend_mode, sessions) == []

    assert [session.session_key for session in sessions] == [key, key]
    for stored in what_is_stored(store, key):
        assert stored in WRITES


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", SERVER_STORES)
def test_of_two_requests_saving_one_session_the_last_wins(store: Store, backend_mode: Mode) -> None:
    key = seed(store, ALICE)
    first, second = changed_copies(backend_mode, store, key)
    backend_mode.call(first, "save")
    backend_mode.call(second, "save")
    assert what_is_stored(store, key) == [WRITES[1], WRITES[1]]


# -- cancelled mid-save -------------------------------------------------------------------


class HeldWrite:
    """An execute wrapper, put on each connection opened meanwhile, that holds the first write
    to the session table until :meth:`release`."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self.connection: BaseDatabaseWrapper | None = None

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        writes = sql.lstrip().upper().startswith(("INSERT", "UPDATE"))
        if writes and "django_session" in sql and not self.entered.is_set():
            self.connection = context["connection"]
            self.entered.set()
            self.released.wait(timeout=30)
        return execute(sql, params, many, context)

    def release(self) -> None:
        self.released.set()

    def _wrap(self, sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
        connection.execute_wrappers.append(self)

    @classmethod
    @contextmanager
    def on_new_connections(cls) -> Iterator[HeldWrite]:
        held = cls()
        connection_created.connect(held._wrap)
        try:
            yield held
        finally:
            held.release()
            connection_created.disconnect(held._wrap)


async def cancelled_mid_save(session: Any) -> BaseDatabaseWrapper:
    """Save ``session`` as a request, cancel the request while its write is held, release
    the write, and return the connection the request wrote with."""
    with HeldWrite.on_new_connections() as held:
        request = asyncio.ensure_future(as_a_request(session.asave))
        assert await asyncio.to_thread(held.entered.wait, 30)
        request.cancel()
        await asyncio.sleep(0)  # the cancellation reaches the request...
        held.release()  # ...while its thread is mid-write
        # asgiref lets a sync call that has started finish: the request may end either way.
        with suppress(asyncio.CancelledError):
            await request
    assert held.connection is not None
    return held.connection


REFERENCE_DATABASE_STORES = [
    pytest.param(REFERENCE["db"], id="db"),
    pytest.param(REFERENCE["cached_db"], id="cached_db"),
]


def released(connection: BaseDatabaseWrapper) -> bool:
    return connection.connection is None and not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", REFERENCE_DATABASE_STORES)
async def test_a_request_cancelled_while_saving_a_change_leaves_a_whole_row(
    store: Store, thread_connections_closed: None
) -> None:
    key = await sync_to_async(seed)(store, ALICE)
    session = store(key)
    await session.aupdate({"cart": "changed"})

    used = await cancelled_mid_save(session)

    assert released(used)
    stored = await sync_to_async(what_is_stored)(store, key)
    assert stored[1] in (ALICE, {**ALICE, "cart": "changed"})  # the row: before or after
    # No lock left behind: another request writes the same row at once.
    other = store(key)
    await other.aset("cart", "after")
    await as_a_request(other.asave)
    assert await sync_to_async(what_is_stored)(store, key) == [{**ALICE, "cart": "after"}] * 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", REFERENCE_DATABASE_STORES)
async def test_a_request_cancelled_while_creating_a_session_leaves_a_whole_row_or_none(
    store: Store, thread_connections_closed: None
) -> None:
    session = store()
    await session.aset("user", "alice")

    used = await cancelled_mid_save(session)

    assert released(used)
    key = session.session_key
    found = None if key is None else await sync_to_async(row)(key)
    if found is not None:
        assert store().decode(found.session_data) == ALICE


@pytest.mark.django_db(transaction=True)
def test_djangos_db_store_is_the_oracle_of_last_write_wins() -> None:
    # The same two writes through Django's store and the reference one, interleaved the
    # same way: the same session stored.
    results = []
    for store in (DJANGO["db"], REFERENCE["db"]):
        key = seed(store, ALICE)
        first, second = changed_copies(SYNC, store, key)
        second.save()
        first.save()
        results.append(what_is_stored(store, key))
    assert results[0] == results[1] == [WRITES[0], WRITES[0]]
