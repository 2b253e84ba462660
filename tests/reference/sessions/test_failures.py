"""The database or the cache failing while a session loads: what Django's engine does.

Each scenario runs on Django's engine in sync mode (the oracle), then on
Django's and the reference engine in each mode, and all must observe the
same: the same exception or the same empty session, the same key kept or
dropped, and never another session's data (Django's own async side on 5.2 is
the one exception, marked). A failure of the database is a
real ``OperationalError`` raised by an execute wrapper of the connection;
a failure of the cache, a ``LocMemCache`` whose ``get()`` raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django
import pytest
from django.db import OperationalError, connection

from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from tests.reference.sessions.caches import cache_failing_on_get, flaky_session_cache
from tests.reference.sessions.stores import (
    DJANGO,
    ENGINES,
    REFERENCE,
    Store,
    forget_cached_copy,
    seed,
)

pytestmark = pytest.mark.django_db

ALICE = {"user": "alice", "cart": [1, 2]}
BOB = {"user": "bob"}


def reads_of_sessions_fail(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    """An execute wrapper: the database refuses every read of the session table."""
    if sql.lstrip().upper().startswith("SELECT") and "session" in sql:
        raise OperationalError("the database went away")
    return execute(sql, params, many, context)


def outcome(mode: Mode, session: Any, method: str, *args: Any) -> tuple[object, ...]:
    """What the call returned, or the name of what it raised."""
    result = mode.outcome(session, method, *args)
    if result.raised is not None:
        return ("raised", type(result.raised).__name__)
    value: Any = result.value
    return ("returned", dict(value) if type(value).__name__ == "dict_items" else value)


def database_fails_during_a_load(mode: Mode, store: Store) -> tuple[object, ...]:
    """Bob's session is read (its row, for cached_db) while the database fails, then again."""
    seed(store, ALICE)
    key = seed(store, BOB)
    forget_cached_copy(store, key)
    session = store(key)
    with connection.execute_wrapper(reads_of_sessions_fail):
        failed = outcome(mode, session, "get", "user")
        items_then = outcome(mode, session, "items")
    key_kept = session.session_key == key
    again = outcome(mode, session, "items")
    return failed, items_then, key_kept, again


def database_fails_then_the_request_saves(mode: Mode, store: Store) -> tuple[object, ...]:
    """A view catches the failure and writes to the session: what is saved, and where."""
    alice = seed(store, ALICE)
    key = seed(store, BOB)
    forget_cached_copy(store, key)
    session = store(key)
    with connection.execute_wrapper(reads_of_sessions_fail):
        outcome(mode, session, "get", "user")
    mode.call(session, "__setitem__", "seen", True)
    saved = outcome(mode, session, "save")
    loaded = dict(mode.call(store(session.session_key), "items"))
    return saved, session.session_key == key, loaded, dict(mode.call(store(alice), "items"))


def cache_fails_during_a_load(mode: Mode, store: Store) -> tuple[object, ...]:
    """Bob's session is read while the cache fails on get(), then the request saves."""
    with flaky_session_cache():
        alice = seed(store, ALICE)
        key = seed(store, BOB)
        session = store(key)
        with cache_failing_on_get():
            seen = outcome(mode, session, "get", "user")
            key_kept = session.session_key == key
            mode.call(session, "__setitem__", "seen", True)
            saved = outcome(mode, session, "save")
            new_key = session.session_key != key
        return (
            seen,
            key_kept,
            saved,
            new_key,
            dict(mode.call(store(session.session_key), "items")),
            dict(mode.call(store(key), "items")),
            dict(mode.call(store(alice), "items")),
        )


SCENARIOS: dict[str, Callable[[Mode, Store], tuple[object, ...]]] = {
    "database fails during a load": database_fails_during_a_load,
    "database fails, then the request saves": database_fails_then_the_request_saves,
    "cache fails during a load": cache_fails_during_a_load,
}


def cases() -> list[Any]:
    return [
        pytest.param(engine, implementations[engine], scenario, id=f"{engine}-{owner}-{scenario}")
        for engine in ENGINES
        for scenario in SCENARIOS
        for owner, implementations in (("django", DJANGO), ("reference", REFERENCE))
    ]


DJANGO_52_ASYNC_HAS_KEY = (
    "Django 5.2's BaseCache.ahas_key() is aget() (6.1 calls a has_key() of the backend's own, "
    "as the sync side does): the async save of Django's cache store, picking a new key, asks "
    "get() of the failing cache and raises where its sync save does not."
)


@pytest.mark.parametrize(("engine", "store", "scenario"), cases())
def test_a_failing_store_gives_what_djangos_engine_gives(
    engine: str, store: Store, scenario: str, backend_mode: Mode, request: pytest.FixtureRequest
) -> None:
    if (store, scenario, backend_mode) == (
        DJANGO["cache"],
        "cache fails during a load",
        ASYNC,
    ) and django.VERSION < (6, 0):
        request.applymarker(pytest.mark.xfail(strict=True, reason=DJANGO_52_ASYNC_HAS_KEY))
    run = SCENARIOS[scenario]
    observed = run(backend_mode, store)
    assert observed == run(SYNC, DJANGO[engine])


def test_the_scenarios_do_fail_the_stores() -> None:
    # The oracle itself, spelled out: the database error escapes Django's db load and the
    # retry reads Bob's session; a failing cache makes cached_db read the row, and the
    # cache store start a new session, leaving Bob's as it was.
    failed, _, key_kept, again = database_fails_during_a_load(SYNC, DJANGO["db"])
    assert (failed, key_kept, again) == (("raised", "OperationalError"), True, ("returned", BOB))
    cached_db = cache_fails_during_a_load(SYNC, DJANGO["cached_db"])
    assert cached_db[:4] == (("returned", "bob"), True, ("returned", None), False)
    cache = cache_fails_during_a_load(SYNC, DJANGO["cache"])
    assert cache[:4] == (("returned", None), False, ("returned", None), True)
    assert cache[5] == BOB
