"""Concurrent logins with the default PBKDF2 hasher, and cold permission checks.

Everything is measured side by side in one run (docs/performance.md, "What is measured"):

* the machine's **hashing limit**: ``hashlib.pbkdf2_hmac`` with the default
  hasher's iterations, one thread per core, the same number of hashes as
  logins, measured before and after the logins and averaged: the fastest
  those logins could possibly be here;
* after one unmeasured login per contender (imports, pool threads),
  N concurrent ``aauthenticate()`` logins, each in its own
  ``ThreadSensitiveContext`` as Django's ASGI handler runs a request, for
  every contender: the longest event-loop stall (a 1 ms ticker's worst
  lateness), the part of it the loop thread spent on the logins' own work
  (``Stall.blocking_ms``: what the backend does to the loop, whatever else
  loads the machine) and the login rate, also as a fraction of the hashing
  limit;
* cold ``ahas_perm()`` checks (permission caches dropped before each).

With fewer than ``min_logins`` concurrent logins, batches of N run one after
the other until ``min_logins`` have run, so that a single slow moment does
not decide the rate.

Targets (issue 3), for the reference backend: stall <= 20 ms; rate >= 90% of
the hashing limit and >= 1.0x Django's; cold permission checks >= 1.3x
Django's on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from auth_backend_sdk.engine.loop_stall import measure_stall

from .calls import PERMISSION_CACHES
from .contenders import model_backends
from .fixtures import PASSWORD, Fixtures

__all__ = ["measure_cold_permissions", "measure_logins"]


async def as_a_request(call: Callable[[], Awaitable[Any]]) -> Any:
    from asgiref.sync import ThreadSensitiveContext, sync_to_async
    from django.db import connections

    async with ThreadSensitiveContext():
        try:
            return await call()
        finally:
            await sync_to_async(connections.close_all)()


async def stall_and_rate(
    login: Callable[[], Awaitable[Any]], concurrency: int, batches: int
) -> tuple[float, float, float]:
    """(longest loop stall, its part on the loop's own work, in seconds; logins per second)."""
    async with measure_stall() as stall:
        await asyncio.sleep(0.01)
        start = time.perf_counter()
        for _ in range(batches):
            users = await asyncio.gather(*(as_a_request(login) for _ in range(concurrency)))
            if any(user is None for user in users):
                raise AssertionError("every login must succeed")
        elapsed = time.perf_counter() - start
    return stall.worst_seconds, stall.blocking_seconds, concurrency * batches / elapsed


def _login(backend: Any, fixtures: Fixtures) -> Callable[[], Awaitable[Any]]:
    async def login() -> Any:
        return await backend.aauthenticate(None, username=fixtures.slow_login, password=PASSWORD)

    return login


def hashing_limit(concurrency: int, batches: int) -> float:
    """Hashes per second: the default hasher's pbkdf2, one thread per core, as many as logins."""
    from django.contrib.auth.hashers import get_hasher

    iterations = get_hasher().iterations  # type: ignore[attr-defined]

    def one(_: int) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), b"saltsaltsaltsalt", iterations)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        start = time.perf_counter()
        for _ in range(batches):
            list(pool.map(one, range(concurrency)))
        return concurrency * batches / (time.perf_counter() - start)


def measure_logins(
    fixtures: Fixtures, concurrencies: list[int], min_logins: int
) -> list[dict[str, Any]]:
    """One row per concurrency: the hashing limit and, per contender, stall and rate."""
    backends = model_backends()
    logins = {name: _login(backend, fixtures) for name, backend in backends.items()}
    for login in logins.values():
        # Not measured: the first login imports the hasher and starts pool threads.
        asyncio.run(stall_and_rate(login, 1, 1))
    rows = []
    for concurrency in concurrencies:
        batches = math.ceil(min_logins / concurrency)
        # The machine is shared: take the limit before and after, and average.
        limit_before = hashing_limit(concurrency, batches)
        stalls, blocking, rates = {}, {}, {}
        for name, login in logins.items():
            stall, on_loop, rates[name] = asyncio.run(stall_and_rate(login, concurrency, batches))
            stalls[name], blocking[name] = stall * 1000, on_loop * 1000
        limit = (limit_before + hashing_limit(concurrency, batches)) / 2
        rows.append(
            {
                "concurrency": concurrency,
                "logins": concurrency * batches,
                "hashing_limit_per_second": limit,
                "stall_ms": stalls,
                "blocking_ms": blocking,
                "logins_per_second": rates,
                "of_hashing_limit": {name: rate / limit for name, rate in rates.items()},
                "vs_django": {name: rate / rates["django"] for name, rate in rates.items()},
            }
        )
    return rows


async def cold_permission_rate(backend: Any, user: Any, checks: int) -> float:
    start = time.perf_counter()
    for _ in range(checks):
        for cache in PERMISSION_CACHES:
            user.__dict__.pop(cache, None)
        if not await backend.ahas_perm(user, "auth.change_group"):
            raise AssertionError("the staff user has auth.change_group through a group")
    return checks / (time.perf_counter() - start)


def measure_cold_permissions(fixtures: Fixtures, checks: int) -> dict[str, Any]:
    """Cold ``ahas_perm()`` checks per second, per contender, and the ratio to Django's."""
    from django.contrib.auth.models import User

    rates = {}
    for name, backend in model_backends().items():
        user = User.objects.get(pk=fixtures.staff_pk)
        rates[name] = asyncio.run(cold_permission_rate(backend, user, checks))
    return {
        "checks": checks,
        "checks_per_second": rates,
        "vs_django": {name: rate / rates["django"] for name, rate in rates.items()},
    }
