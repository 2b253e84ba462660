"""What an adapted session store costs per call, against a hand-written bridge and Django's own.

    python -m bench.session_overhead [--json PATH] [--rounds 31] [--calls 200]
                                     [--in-memory-calls 2000] [--quick]

A store subclassing Django's database store with sync overrides of ``load``
and ``save`` (trivial bodies, so that only the bridging is measured), in
async mode, on the same database in one run:

* **dual_mode()**: the store adapted by :func:`auth_backend_sdk.dual_mode`,
  its ``aload``/``asave`` derived;
* **hand-written**: the same store with ``await sync_to_async(self.load)()``
  and ``await sync_to_async(self.save)(must_create)`` written by hand;
* **Django's**: ``django.contrib.sessions.backends.db.SessionStore`` as
  shipped, a reference line.

Each round times every store back to back, taking turns to go first; the
figures are medians over rounds, the ratio the median of the per-round ratios
(dual_mode() / hand-written, target at most 1.05), with a distribution-free
confidence interval of that median.

Then an in-memory override (``__setitem__`` and ``get``) on the adapted store,
against Django's store making the same calls: thread hops per ``aget``/``aset``
once the session is loaded, per whole request (the first ``aget`` loads, a few
``aget``/``aset``, ``asave``), and the time per ``aset``. Hops are counted with
:func:`auth_backend_sdk.engine.hops.count_hops`; they are deterministic, and
the exit status is 1 if the adapted store hops more than its comparison.
Times are not a pass/fail: the machine is shared. Its load average is recorded,
and the load while each measurement ran (:mod:`bench.machine_load`: other
processes' CPU and steal, under ``"machine_load"``), which marks a run taken
under load.

The database is the PostgreSQL server ``ABS_PGHOST``/``ABS_PGPORT`` name
(``make bench`` starts a throwaway cluster), else SQLite in a temporary file;
the run creates a database of its own there and drops it after.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import SessionBase

from auth_backend_sdk import dual_mode
from auth_backend_sdk.engine.hops import count_hops

from .environment import configured_sessions_django, run_closing_connections, run_info
from .machine_load import database_server, sample_machine_load
from .markdown import load_summary
from .tables import table

__all__ = [
    "IN_MEMORY_CALLS",
    "TARGET",
    "broken_hop_promises",
    "in_memory_hops",
    "main",
    "measure",
    "median_interval",
]

TARGET = 1.05
CONFIDENCE = 0.95
QUICK = {"rounds": 3, "calls": 5, "in_memory_calls": 20}
USER_ID_KEY = "_auth_user_id"  # django.contrib.auth.SESSION_KEY, without importing auth


class SyncOverridesStore(db.SessionStore):
    """A database store as projects write them: sync overrides only."""

    def load(self) -> dict[str, Any]:
        return super().load()

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)


AdaptedStore = dual_mode(SyncOverridesStore)


class HandBridgedStore(SyncOverridesStore):
    """The bridge one writes by hand for the overrides."""

    async def aload(self) -> dict[str, Any]:
        return await sync_to_async(self.load)()

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)


class InMemoryOverridesStore(SyncOverridesStore):
    """The same store, with overrides that touch only the loaded session."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, default)


AdaptedInMemoryStore = dual_mode(InMemoryOverridesStore)

BRIDGE_STORES: dict[str, type[SessionBase]] = {
    "dual_mode": AdaptedStore,
    "hand_written": HandBridgedStore,
    "django": db.SessionStore,
}
IN_MEMORY_STORES: dict[str, type[SessionBase]] = {
    "dual_mode": AdaptedInMemoryStore,
    "django": db.SessionStore,
}
LABELS = {
    "dual_mode": "dual_mode()",
    "hand_written": "hand-written bridge",
    "django": "Django's db store",
}


# The calls measured. Each takes a session that exists in the database and is loaded.

SessionCall = Callable[[SessionBase], Awaitable[object]]


async def _aload(session: SessionBase) -> object:
    return await session.aload()


async def _asave(session: SessionBase) -> object:
    await session.asave()
    return None


async def _aset(session: SessionBase) -> object:
    await session.aset("theme", "dark")
    return None


BRIDGED_CALLS: dict[str, SessionCall] = {"aload": _aload, "asave": _asave}


async def one_request(store_class: type[SessionBase], session_key: str) -> int:
    """What an async view does with its session: read, change, save. The new visit count."""
    session = store_class(session_key)
    visits: int = await session.aget("visits", 0)  # the first read loads the session
    await session.aset("visits", visits + 1)
    await session.aget(USER_ID_KEY)
    await session.aset("last_path", "/account/")
    await session.asave()
    return visits + 1


async def _saved_session(store_class: type[SessionBase]) -> SessionBase:
    """A new session written through ``store_class`` itself (each store has its own key
    salt), then loaded by a fresh instance, as the next request finds it."""
    session = store_class()
    await session.aset("visits", 0)
    await session.asave()
    assert session.session_key is not None
    loaded = store_class(session.session_key)
    if await loaded.aload() != {"visits": 0}:
        raise AssertionError(f"{store_class.__qualname__} did not read back its own session")
    await loaded.aget("visits")  # fills the session cache
    return loaded


# Statistics.


def median_interval(
    values: list[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """A distribution-free interval for the median of ``values``: (low, high, its coverage).

    The order statistics x(j) and x(n+1-j) bracket the median with probability
    1 - 2 P(B <= j-1), B binomial(n, 1/2): the narrowest such interval covering
    at least ``confidence`` is returned; with too few values, the whole range
    and the lower coverage it has.
    """
    ordered = sorted(values)
    n = len(ordered)
    chosen, tail = 1, 1 / 2**n  # tail: P(B <= chosen - 1)
    while chosen < (n + 1) // 2:
        wider_tail = tail + math.comb(n, chosen) / 2**n
        if 1 - 2 * wider_tail < confidence:
            break
        chosen, tail = chosen + 1, wider_tail
    return ordered[chosen - 1], ordered[n - chosen], 1 - 2 * tail


# Measuring.


async def _time_per_call(call: SessionCall, session: SessionBase, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await call(session)
    return (time.perf_counter() - start) / calls


async def _timed_rounds(
    call: SessionCall, sessions: dict[str, SessionBase], rounds: int, calls: int
) -> dict[str, list[float]]:
    """Seconds per call, per store and round; each round rotates which store goes first."""
    for session in sessions.values():  # warm-up: thread, connection, statement caches
        await _time_per_call(call, session, max(calls // 10, 1))
    names = list(sessions)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(await _time_per_call(call, sessions[name], calls))
    return times


def _medians_us(times: dict[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(values) * 1e6 for name, values in times.items()}


def _ratio(times: dict[str, list[float]], mine: str, theirs: str) -> dict[str, Any]:
    """The median of the per-round ratios ``mine / theirs``, and its confidence interval."""
    ratios = [a / b for a, b in zip(times[mine], times[theirs], strict=True)]
    low, high, coverage = median_interval(ratios)
    return {"ratio": statistics.median(ratios), "interval": [low, high], "coverage": coverage}


async def _counted(call: Callable[[], Awaitable[Any]]) -> tuple[int, Any]:
    """The thread hops ``call()`` makes, and what it returns."""
    with count_hops() as hops:
        result = await call()
    return hops.count, result


async def measure_bridge(rounds: int, calls: int) -> list[dict[str, Any]]:
    """One row per bridged method: hops, µs per call per store, dual_mode() / hand-written."""
    sessions = {name: await _saved_session(cls) for name, cls in BRIDGE_STORES.items()}
    rows = []
    for method, call in BRIDGED_CALLS.items():
        hops = {name: (await _counted(partial(call, s)))[0] for name, s in sessions.items()}
        times = await _timed_rounds(call, sessions, rounds, calls)
        rows.append(
            {
                "method": method,
                "hops": hops,
                "median_us": _medians_us(times),
                "vs_hand_written": _ratio(times, "dual_mode", "hand_written"),
                "django_vs_hand_written": _ratio(times, "django", "hand_written")["ratio"],
                "target": TARGET,
            }
        )
    for name, session in sessions.items():  # a fast wrong store measures nothing
        assert session.session_key is not None
        if await BRIDGE_STORES[name](session.session_key).aload() != {"visits": 0}:
            raise AssertionError(f"{LABELS[name]} lost its session while measured")
    return rows


IN_MEMORY_CALLS: tuple[tuple[str, bool], ...] = (
    # (the call, whether the session is loaded before it: then no I/O, no hop)
    ("aget, the request's first (loads the session)", False),
    ("aget, once loaded", True),
    ("aset, once loaded", True),
    ("whole request: aget, aset, aget, aset, asave", False),
)


async def in_memory_hops(store_class: type[SessionBase]) -> list[int]:
    """Hops of each of :data:`IN_MEMORY_CALLS`, after a request that warms everything up."""
    session_key = (await _saved_session(store_class)).session_key
    assert session_key is not None
    visits = await one_request(store_class, session_key)
    session = store_class(session_key)
    counts = [
        (await _counted(partial(session.aget, "visits")))[0],
        (await _counted(partial(session.aget, "visits")))[0],
        (await _counted(partial(session.aset, "theme", "dark")))[0],
    ]
    request_hops, visits_after = await _counted(partial(one_request, store_class, session_key))
    if visits_after != visits + 1:
        raise AssertionError(f"{store_class.__qualname__} lost a visit")
    return [*counts, request_hops]


async def measure_in_memory(rounds: int, calls: int) -> dict[str, Any]:
    """Hops of an adapted store with in-memory overrides against Django's; time per ``aset``."""
    counts = {name: await in_memory_hops(cls) for name, cls in IN_MEMORY_STORES.items()}
    sessions = {name: await _saved_session(cls) for name, cls in IN_MEMORY_STORES.items()}
    times = await _timed_rounds(_aset, sessions, rounds, calls)
    return {
        "hops": [
            {
                "call": call,
                "loaded": loaded,
                "hops": {name: counts[name][index] for name in IN_MEMORY_STORES},
            }
            for index, (call, loaded) in enumerate(IN_MEMORY_CALLS)
        ],
        "aset": {
            "calls": calls,
            "median_us": _medians_us(times),
            "vs_django": _ratio(times, "dual_mode", "django"),
        },
    }


def broken_hop_promises(results: dict[str, Any]) -> list[str]:
    """What the adapted stores do worse than their comparison, in thread hops."""
    broken = []
    for row in results["bridge"]["rows"]:
        if row["hops"]["dual_mode"] > row["hops"]["hand_written"]:
            broken.append(f"{row['method']}: more hops than the hand-written bridge")
    for row in results["in_memory"]["hops"]:
        hops = row["hops"]
        if hops["dual_mode"] != hops["django"]:
            broken.append(
                f"{row['call']}: {hops['dual_mode']} hops, Django's store {hops['django']}"
            )
        elif row["loaded"] and hops["dual_mode"]:
            broken.append(f"{row['call']}: {hops['dual_mode']} hops, none expected")
    return broken


async def _measure_all(rounds: int, calls: int, in_memory_calls: int) -> dict[str, Any]:
    """Both measurements, each with the machine's load while it ran."""
    server = database_server()
    with sample_machine_load(server) as bridge_load:
        bridge_rows = await measure_bridge(rounds, calls)
    with sample_machine_load(server) as in_memory_load:
        in_memory = await measure_in_memory(rounds, in_memory_calls)
    return {
        "bridge": {
            "rounds": rounds,
            "calls": calls,
            "rows": bridge_rows,
            "machine_load": bridge_load.as_json(),
        },
        "in_memory": {
            "rounds": rounds,
            **in_memory,
            "machine_load": in_memory_load.as_json(),
        },
    }


# Django and the database.


def configured_django() -> AbstractContextManager[None]:
    """Django with the sessions app, on a database of this run's own, dropped after."""
    return configured_sessions_django("abs-bench-sessions")


def measure(
    rounds: int, calls: int, in_memory_calls: int, *, quick: bool = False
) -> dict[str, Any]:
    """Every measurement, with what the run ran on and the machine's load around it."""
    with configured_django():
        load_before = os.getloadavg()
        results: dict[str, Any] = {"run": run_info(), "quick": quick}
        with sample_machine_load(database_server()) as load:
            results.update(run_closing_connections(_measure_all(rounds, calls, in_memory_calls)))
    results["run"]["load_average"] = {"before": load_before, "after": os.getloadavg()}
    results["machine_load"] = load.as_json()
    results["hop_promises_broken"] = broken_hop_promises(results)
    return results


# Output.


def _interval(comparison: dict[str, Any]) -> str:
    low, high = comparison["interval"]
    return f"{low:.3f} to {high:.3f} ({comparison['coverage']:.0%})"


def render(results: dict[str, Any]) -> str:
    info, bridge, in_memory = results["run"], results["bridge"], results["in_memory"]
    load = info["load_average"]
    quick = " (quick run: not for quoting)" if results["quick"] else ""
    parts = [
        f"Django {info['django']}, Python {info['python']}, {info['database']}, "
        f"{info['cores']} cores, load average {load['before'][0]:.2f} before and "
        f"{load['after'][0]:.2f} after{quick}; machine load over the whole run "
        f"{load_summary(results.get('machine_load'))}",
        f"A store with sync overrides of load and save, in async: {bridge['rounds']} rounds of "
        f"{bridge['calls']} calls per store; hops: dual_mode()/hand-written/Django's; ratio: "
        "dual_mode() / hand-written, the median of the per-round ratios, with its confidence "
        f"interval; machine load {load_summary(bridge.get('machine_load'))}",
    ]
    body = []
    for row in bridge["rows"]:
        us, comparison = row["median_us"], row["vs_hand_written"]
        verdict = "ok" if comparison["ratio"] <= row["target"] else "MISSED"
        body.append(
            [
                row["method"],
                "/".join(str(row["hops"][name]) for name in BRIDGE_STORES),
                *(f"{us[name]:.0f}" for name in BRIDGE_STORES),
                f"{comparison['ratio']:.3f}",
                _interval(comparison),
                f"<= {row['target']} {verdict}",
            ]
        )
    header = ["method", "hops", *(f"{LABELS[name]} (µs)" for name in BRIDGE_STORES)]
    parts.append(table([*header, "ratio", "interval", "target"], "lrrrrrrl", body))
    parts.append("Thread hops, an in-memory override (__setitem__, get) on the adapted store:")
    parts.append(
        table(
            ["call", *(LABELS[name] for name in IN_MEMORY_STORES)],
            "lrr",
            ([row["call"], *row["hops"].values()] for row in in_memory["hops"]),
        )
    )
    aset = in_memory["aset"]
    us = aset["median_us"]
    parts.append(
        f"aset, {in_memory['rounds']} rounds of {aset['calls']} calls: dual_mode() "
        f"{us['dual_mode']:.2f} µs, Django's {us['django']:.2f} µs, ratio "
        f"{aset['vs_django']['ratio']:.2f} ({_interval(aset['vs_django'])}); machine load "
        f"{load_summary(in_memory.get('machine_load'))}"
    )
    broken = results["hop_promises_broken"]
    parts.append("Hops: " + ("; ".join(broken) if broken else "as promised."))
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--calls", type=int, default=200, help="aload/asave calls per round")
    parser.add_argument(
        "--in-memory-calls", type=int, default=2000, help="aset calls per store per round"
    )
    parser.add_argument("--quick", action="store_true", help="tiny counts, to test the machinery")
    args = parser.parse_args()
    if args.quick:
        vars(args).update(QUICK)
    results = measure(args.rounds, args.calls, args.in_memory_calls, quick=args.quick)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    raise SystemExit(1 if results["hop_promises_broken"] else 0)


if __name__ == "__main__":
    main()
