"""The ``cache`` store on Django's ``RedisCache``: redis-py's asyncio client in async code.

Against a real Redis server (``tests/redis_server.py``): sessions cross both
ways with Django's ``cache`` engine on the same alias, the same key, value and
time to live in Redis whichever wrote them; one connection pool per event loop,
closed with its loop and never inherited by a forked child; a server that does
not answer gives what Django's engine gives; and an alias the asyncio twin
cannot stand for (a pool class of the project's own) keeps the one-hop path.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends import cache as django_cache
from django.core.cache import caches

from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.sessions.contract.comparable import Seconds
from auth_backend_sdk.testing import Mode
from reference_backends import _redis
from reference_backends._redis import async_twin
from reference_backends.sessions import cache as reference_cache
from tests.redis_server import redis_caches, redis_client
from tests.reference.sessions.stores import Store, seed

DJANGO_STORE: Store = django_cache.SessionStore
REFERENCE_STORE: Store = reference_cache.SessionStore
DATA = {"user": "alice", "cart": [1, 2]}

DIRECTIONS = [
    pytest.param(DJANGO_STORE, REFERENCE_STORE, id="django-to-reference"),
    pytest.param(REFERENCE_STORE, DJANGO_STORE, id="reference-to-django"),
]


@pytest.fixture
def on_redis() -> Iterator[None]:
    # A prefix and a version of the site's own: the keys must follow them too.
    with redis_caches(KEY_PREFIX="site", VERSION=3):
        yield


def raw_key(session_key: str) -> str:
    """The Redis key Django's cache gives a session: prefix, version, engine prefix, key."""
    key: str = caches["default"].make_key(django_cache.KEY_PREFIX + session_key)
    return key


def connections_to_the_server() -> int:
    """Connections to this run's database (``make test``'s other run has its own)."""
    with redis_client() as client:
        ours = int(client.connection_pool.connection_kwargs.get("db", 0))
        connected = [c for c in client.client_list() if int(c["db"]) == ours]
        return len(connected) - 1  # this inspecting client's own


@pytest.mark.usefixtures("on_redis")
@pytest.mark.parametrize(("writer", "reader"), DIRECTIONS)
@pytest.mark.parametrize("expiry", [None, 300, timedelta(hours=2)], ids=["default", "300s", "2h"])
def test_one_engine_reads_what_the_other_wrote_with_the_same_time_to_live(
    writer: Store, reader: Store, expiry: Any, backend_mode: Mode
) -> None:
    session = writer()
    backend_mode.call(session, "update", DATA)
    if expiry is not None:
        backend_mode.call(session, "set_expiry", expiry)
    backend_mode.call(session, "save")
    key = session.session_key
    assert key is not None

    loaded = reader(key)
    items = dict(backend_mode.call(loaded, "items"))
    items.pop("_session_expiry", None)
    assert items == DATA
    with redis_client() as client:
        assert Seconds(client.ttl(raw_key(key))) == Seconds(session.get_expiry_age())
    if expiry is None:
        assert Seconds(session.get_expiry_age()) == Seconds(settings.SESSION_COOKIE_AGE)


@pytest.mark.usefixtures("on_redis")
@pytest.mark.parametrize(("writer", "other"), DIRECTIONS)
def test_a_key_cycled_or_flushed_by_one_is_gone_for_the_other(
    writer: Store, other: Store, backend_mode: Mode
) -> None:
    old = seed(writer, DATA)
    session = other(old)
    backend_mode.call(session, "cycle_key")
    new = session.session_key
    assert new is not None
    assert new != old
    assert dict(backend_mode.call(writer(old), "items")) == {}
    assert dict(backend_mode.call(writer(new), "items")) == DATA

    backend_mode.call(other(new), "flush")
    assert dict(backend_mode.call(writer(new), "items")) == {}
    with redis_client() as client:
        assert not client.exists(raw_key(new))


@pytest.mark.usefixtures("on_redis")
def test_the_async_side_makes_no_thread_hop_and_one_connection_per_loop() -> None:
    key = seed(REFERENCE_STORE, DATA)
    before = connections_to_the_server()

    async def a_request_or_three() -> tuple[int, int]:
        with count_hops() as hops:
            for _ in range(3):
                session = REFERENCE_STORE(key)
                await session.aset("seen", True)
                await session.asave()
                assert await REFERENCE_STORE().aexists(key)
        return hops.count, connections_to_the_server()

    hops, during = asyncio.run(a_request_or_three())

    assert hops == 0
    assert during == before + 1  # one pool for the loop, one connection: the calls took turns
    assert connections_to_the_server() == before  # closed with the loop
    assert DJANGO_STORE(key).get("seen") is True


@pytest.mark.usefixtures("on_redis")
def test_loops_do_not_share_connections_and_each_closes_its_own() -> None:
    key = seed(REFERENCE_STORE, DATA)
    before = connections_to_the_server()
    first_loop = asyncio.new_event_loop()
    second_loop = asyncio.new_event_loop()
    try:
        assert first_loop.run_until_complete(REFERENCE_STORE(key).aget("user")) == "alice"
        assert second_loop.run_until_complete(REFERENCE_STORE(key).aget("user")) == "alice"
        assert connections_to_the_server() == before + 2
        clients = [next(iter(_redis._clients[loop].values())) for loop in (first_loop, second_loop)]
        assert clients[0] is not clients[1]
    finally:
        first_loop.close()
    assert connections_to_the_server() == before + 1
    second_loop.close()
    assert connections_to_the_server() == before
    assert first_loop not in _redis._clients
    assert second_loop not in _redis._clients


@pytest.mark.usefixtures("on_redis")
def test_a_forked_child_opens_connections_of_its_own() -> None:
    key = seed(REFERENCE_STORE, DATA)
    parents_loop = asyncio.new_event_loop()
    try:
        assert parents_loop.run_until_complete(REFERENCE_STORE(key).aget("user")) == "alice"
        with warnings.catch_warnings():
            # The suite's threads (asgiref's) are not used in the child.
            warnings.simplefilter("ignore", DeprecationWarning)
            child = os.fork()
        if child == 0:  # pragma: no cover (the child's coverage is not collected)
            status = 1
            try:
                inherited = len(_redis._clients)
                user = asyncio.run(REFERENCE_STORE(key).aget("user"))
                status = 0 if (inherited, user) == (0, "alice") else 2
            finally:
                os._exit(status)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        # The parent's connection still works: the child never touched it.
        assert parents_loop.run_until_complete(REFERENCE_STORE(key).aget("cart")) == [1, 2]
    finally:
        parents_loop.close()


@pytest.mark.parametrize("store", [DJANGO_STORE, REFERENCE_STORE], ids=["django", "reference"])
def test_a_server_that_does_not_answer_gives_what_djangos_engine_gives(
    store: Store, backend_mode: Mode, unused_tcp_port: int
) -> None:
    with redis_caches(location=f"redis://127.0.0.1:{unused_tcp_port}/0"):
        session = store("a" * 32)
        assert dict(backend_mode.call(session, "items")) == {}  # loads empty (#17810)
        assert session.session_key is None
        backend_mode.call(session, "__setitem__", "user", "alice")
        with pytest.raises(redis.ConnectionError):
            backend_mode.call(session, "save")


def test_an_alias_with_a_pool_class_of_its_own_keeps_one_hop_per_call() -> None:
    with redis_caches(options={"pool_class": "redis.BlockingConnectionPool"}):
        assert async_twin("default") is None
        key = seed(REFERENCE_STORE, DATA)

        async def user_and_hops() -> tuple[Any, int]:
            with count_hops() as hops:
                user = await REFERENCE_STORE(key).aget("user")
            return user, hops.count

        assert asyncio.run(user_and_hops()) == ("alice", 1)
        assert DJANGO_STORE(key).get("cart") == [1, 2]


def test_a_plain_redis_alias_has_a_twin_and_other_caches_none() -> None:
    with redis_caches():
        assert async_twin("default") is not None
    assert async_twin("default") is None  # the suite's LocMemCache, after the override
