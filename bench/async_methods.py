"""Thread hops and per-call latency of each async method, per contender.

    rows = measure_async_methods(fixtures, rounds=9, calls=200)

Run it under :func:`bench.environment.fast_hashing`: with MD5 a login costs
microseconds, so what is timed is the work around the hash (queries, thread
hops, the bridge), not the hash itself.

* **Hops**: ``SyncToAsync`` calls made during one call, counted by
  :func:`auth_backend_sdk.engine.hops.count_hops` on a second call (the first one
  warms caches and connections, and checks the answer).
* **Latency**: each round times ``calls`` calls of every contender back to
  back, rotating which goes first; reported are the median over rounds of the
  time per call and of the per-round ratio to Django's backend, so machine
  noise hits all contenders alike.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from auth_backend_sdk.engine.hops import count_hops

from .calls import CALLS, MODEL_BACKEND, REMOTE_USER_BACKEND, Call, Prepared, prepare
from .contenders import model_backends, remote_user_backends
from .fixtures import Fixtures

__all__ = ["measure_async_methods"]


def measure_async_methods(fixtures: Fixtures, rounds: int, calls: int) -> list[dict[str, Any]]:
    """One row per method: ``{"method", "family", "hops", "median_us", "vs_django"}``."""
    backends = {MODEL_BACKEND: model_backends(), REMOTE_USER_BACKEND: remote_user_backends()}
    rows = []
    for call in CALLS:
        contenders = _prepared(call, backends[call.family], fixtures)
        rows.append(asyncio.run(_measure(call, contenders, rounds, calls)))
    return rows


def _prepared(call: Call, backends: dict[str, Any], fixtures: Fixtures) -> dict[str, Prepared]:
    return {name: prepare(call, backend, fixtures) for name, backend in backends.items()}


async def _measure(
    call: Call, contenders: dict[str, Prepared], rounds: int, calls: int
) -> dict[str, Any]:
    hops = {name: await _hops(prepared) for name, prepared in contenders.items()}
    per_call: dict[str, list[float]] = {name: [] for name in contenders}
    ratios: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_number in range(rounds):
        shift = round_number % len(names)
        this_round = {}
        for name in names[shift:] + names[:shift]:
            this_round[name] = await _time_per_call(contenders[name], calls)
        for name, seconds in this_round.items():
            per_call[name].append(seconds)
            ratios[name].append(seconds / this_round["django"])
    return {
        "method": call.label,
        "family": call.family,
        "hops": hops,
        "median_us": {name: statistics.median(times) * 1e6 for name, times in per_call.items()},
        "vs_django": {name: statistics.median(values) for name, values in ratios.items()},
    }


async def _hops(prepared: Prepared) -> int:
    await prepared.checked()
    with count_hops() as hops:
        await prepared()
    return hops.count


async def _time_per_call(prepared: Prepared, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await prepared()
    return (time.perf_counter() - start) / calls
