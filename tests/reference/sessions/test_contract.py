"""The session-store contract, applied to each reference engine: every check passes.

Django's engines of the same name fail a few checks for behaviours of their
own (``tests/sessions/contract/engines.py``); the reference engines fix those
(a cookie whose signature fails is logged, a cookie past its ``set_expiry()``
loads empty, a key holding a NUL byte starts a new session on PostgreSQL), so
nothing is expected to fail here.

Thread hops: the contract's default budget is one hop per database query of
the sync twin, at least one. A cache call costs a hop of its own too (Django's
caches are sync), so the budgets of the stores that use a cache are declared:
one hop per async method that reaches the store, whatever it does there; none
for the ``cache`` store on Redis, whose async side uses redis-py's asyncio client.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import override_settings

from auth_backend_sdk.sessions.system_checks import check_session_engine
from tests.redis_server import redis_caches
from tests.reference.sessions.stores import ENGINES
from tests.sessions.contract.engines import EngineContract

# The calls of a request the contract measures that reach the store (the labels of
# auth_backend_sdk.sessions.contract.async_calls); a call on a loaded session is held to 0.
REACHING_THE_STORE = (
    "aget (a session not loaded)",
    "aexists",
    "asave (a new session)",
    "asave (a session changed)",
    "acreate",
    "acycle_key",
    "aflush",
    "adelete",
)
ONE_HOP_EACH = dict.fromkeys(REACHING_THE_STORE, 1)


class TestReferenceDbStore(EngineContract):
    session_store = "reference_backends.sessions.db"
    hop_budgets = {**ONE_HOP_EACH, "aclear_expired": 1}


class TestReferenceCacheStore(EngineContract):
    session_store = "reference_backends.sessions.cache"
    # The cache expires sessions itself: clear_expired() has nothing to do.
    hop_budgets = {**ONE_HOP_EACH, "aclear_expired": 0}


class TestReferenceCacheStoreOnRedis(EngineContract):
    """The ``cache`` store on Django's ``RedisCache``: its async side talks to Redis natively."""

    session_store = "reference_backends.sessions.cache"
    hop_budgets = {**dict.fromkeys(REACHING_THE_STORE, 0), "aclear_expired": 0}

    @contextmanager
    def checking(self) -> Iterator[None]:
        with redis_caches(), super().checking():
            yield


class TestReferenceCachedDbStore(EngineContract):
    session_store = "reference_backends.sessions.cached_db"
    hop_budgets = {**ONE_HOP_EACH, "aclear_expired": 1}


class TestReferenceSignedCookiesStore(EngineContract):
    session_store = "reference_backends.sessions.signed_cookies"
    hop_budgets = {**dict.fromkeys(REACHING_THE_STORE, 0), "aclear_expired": 0}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_system_checks_find_nothing_to_say_of_each_engine(engine: str) -> None:
    # No hazard, and no W105: the mixin running the store's I/O in one step is no store of
    # its own, so the salt the engine keeps is that of Django's store it extends.
    with override_settings(SESSION_ENGINE=f"reference_backends.sessions.{engine}"):
        assert check_session_engine(None) == []
