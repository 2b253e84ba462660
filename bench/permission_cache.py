"""A warm permission check in a new request, and the shared permission cache under churn.

    python -m bench.permission_cache [--json PATH] [--checks 2000] [--concurrency 8]

**Warm check.** Each contender answers ``await user.ahas_perm("auth.view_user")``
(a group permission) for a fresh user object, as every request loads one,
after answering it once for that user before (warm: all a backend may keep
between requests is kept):

* ``django``: Django's ``ModelBackend``;
* ``reference``: ``reference_backends.ModelBackend``;
* ``reference_shared``: the same with ``REFERENCE_BACKENDS_PERMISSION_CACHE``
  on Django's ``RedisCache``.

Per contender: database queries and thread hops per check (counted, exact),
and checks per second with ``--concurrency`` checks at a time on one event
loop (timed: compare within one run).

**Churn** (``reference_shared`` only): ``--users`` users check in turn while
permissions change every ``--change-every`` checks, one kind of change per
row: a user's groups (that user's entry goes stale), or a group's permissions
(every entry goes stale). Per row: the hit ratio (checks answered without a
permission query), checks/s, and what a change costs with the cache on and
off (the signal receivers' writes to Redis, once committed).

The database is the PostgreSQL server ``ABS_PGHOST``/``ABS_PGPORT`` name (a
database of this run's own there), else SQLite; Redis is ``ABS_REDIS_URL``'s,
else a throwaway server this starts (Debian's ``redis-server``).

``--json PATH`` writes::

    {
      "run": {...},                          # bench.environment.run_info()
      "checks": 2000, "concurrency": 8,
      "warm": [
        {"contender": "django" | "reference" | "reference_shared",
         "queries_per_check": 1.0, "hops_per_check": 1.0, "checks_per_second": 950.0},
        ...
      ],
      "churn": [
        {"change": "user groups" | "group permissions", "change_every": 50, "users": 20,
         "hit_ratio": 0.97, "checks_per_second": 4000.0,
         "change_ms": {"cache": 2.1, "no_cache": 1.8}},
        ...
      ],
      "machine_load": {...}                  # bench.machine_load, during the timed parts
    }
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.environment import (
    configured_sessions_django,
    redis_cache,
    redis_server,
    run_closing_connections,
    run_info,
)
from bench.machine_load import database_server, redis_server_process, sample_machine_load
from bench.markdown import permission_cache_tables as render

__all__ = ["CONTENDERS", "measure", "render"]

PERM = "auth.view_user"
CONTENDERS = {
    "django": "django.contrib.auth.backends.ModelBackend",
    "reference": "reference_backends.ModelBackend",
    "reference_shared": "reference_backends.ModelBackend",
}
CHANGES = ("user groups", "group permissions")
_USER_CACHES = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")


class Counter:
    """Queries run on any connection, counted by an execute wrapper on each as it opens."""

    def __init__(self) -> None:
        self.queries = 0
        self.permission_queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries += 1
        if "auth_permission" in sql:
            self.permission_queries += 1
        return execute(sql, params, many, context)


def fresh(user: Any) -> Any:
    """``user`` as a new request has it: the same row, no permission cached on the object."""
    copied = copy.copy(user)
    for name in [*_USER_CACHES, "_reference_backends_permissions"]:
        copied.__dict__.pop(name, None)
    return copied


async def _checks_per_second(
    check: Callable[[], Awaitable[bool]], checks: int, at_once: int
) -> float:
    remaining = checks

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            if not await check():
                raise AssertionError(f"{PERM} refused: a fast wrong answer measures nothing")

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(at_once)))
    return checks / (time.perf_counter() - start)


def _settings_for(contender: str) -> Any:
    from django.test import override_settings

    shared = "default" if contender == "reference_shared" else None
    return override_settings(
        AUTHENTICATION_BACKENDS=[CONTENDERS[contender]],
        REFERENCE_BACKENDS_PERMISSION_CACHE=shared,
    )


async def _warm(
    contender: str, user: Any, counter: Counter, checks: int, at_once: int
) -> dict[str, Any]:
    from auth_backend_sdk.engine.hops import count_hops

    async def check() -> bool:
        allowed: bool = await fresh(user).ahas_perm(PERM)
        return allowed

    await check()  # warm: the shared cache holds the entry from here on
    before = counter.queries
    with count_hops() as hops:
        assert await check()
    queries = counter.queries - before
    rate = await _checks_per_second(check, checks, at_once)
    return {
        "contender": contender,
        "queries_per_check": float(queries),
        "hops_per_check": float(hops.count),
        "checks_per_second": round(rate, 1),
    }


async def _churn(
    change: str, users: list[Any], counter: Counter, checks: int, every: int
) -> dict[str, Any]:
    from asgiref.sync import sync_to_async
    from django.contrib.auth.models import Group, Permission

    spare = await Group.objects.acreate(name=f"spare {change}")
    permission = await Permission.objects.aget(codename="view_user")
    flip = [False]

    def one_change() -> None:
        flip[0] = not flip[0]
        if change == "user groups":  # someone else's groups: that user's entry only
            (users[0].groups.add if flip[0] else users[0].groups.remove)(spare)
        else:  # a group nobody checks through gains or loses a permission: every entry
            (spare.permissions.add if flip[0] else spare.permissions.remove)(permission)

    async def timed_changes(cache_on: bool, count: int) -> float:
        with _settings_for("reference_shared" if cache_on else "reference"):
            start = time.perf_counter()
            for _ in range(count):
                await sync_to_async(one_change)()
            return 1000 * (time.perf_counter() - start) / count

    with _settings_for("reference_shared"):
        for user in users:  # warm
            assert await fresh(user).ahas_perm(PERM)
        before = counter.permission_queries
        start = time.perf_counter()
        for number in range(checks):
            if number and number % every == 0:
                await sync_to_async(one_change)()
            if not await fresh(users[number % len(users)]).ahas_perm(PERM):
                raise AssertionError(f"{PERM} refused under churn")
        elapsed = time.perf_counter() - start
        misses = counter.permission_queries - before
    change_ms = {
        "cache": round(await timed_changes(True, 50), 3),
        "no_cache": round(await timed_changes(False, 50), 3),
    }
    await spare.adelete()
    return {
        "change": change,
        "change_every": every,
        "users": len(users),
        "hit_ratio": round(1 - misses / checks, 4),
        "checks_per_second": round(checks / elapsed, 1),
        "change_ms": change_ms,
    }


def measure(checks: int, at_once: int, users: int, every: int) -> dict[str, Any]:
    with (
        redis_server() as url,
        configured_sessions_django(
            "abs-bench-permission-cache",
            apps=("reference_backends",),
            CACHES={"default": redis_cache(url)},
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        from django.db import connections
        from django.db.backends.signals import connection_created

        counter = Counter()

        def count_on(connection: Any, **_: Any) -> None:
            if counter not in connection.execute_wrappers:  # reopened after a close: counted
                connection.execute_wrappers.append(counter)

        connection_created.connect(count_on, weak=False)
        connections.close_all()  # reopened with the counter
        people = _people(users)
        results: dict[str, Any] = {"run": run_info(), "checks": checks, "concurrency": at_once}
        # Servers this process did not start: named, or their work would count as others'.
        with sample_machine_load({**database_server(), **redis_server_process(url)}) as load:
            results["warm"] = []
            for contender in CONTENDERS:
                with _settings_for(contender):
                    warm = _warm(contender, people[0], counter, checks, at_once)
                    results["warm"].append(run_closing_connections(warm))
            results["churn"] = [
                run_closing_connections(_churn(change, people, counter, checks, every))
                for change in CHANGES
            ]
        results["machine_load"] = load.as_json()
    return results


def _people(count: int) -> list[Any]:
    from django.contrib.auth.models import Group, Permission, User

    readers = Group.objects.create(name="readers")
    readers.permissions.add(Permission.objects.get(codename="view_user"))
    people = []
    for number in range(count):
        user = User.objects.create_user(f"reader-{number}")
        user.groups.add(readers)
        people.append(User.objects.get(pk=user.pk))
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--checks", type=int, default=2000, help="timed checks per row")
    parser.add_argument("--concurrency", type=int, default=8, help="checks at a time")
    parser.add_argument("--users", type=int, default=20, help="users checking under churn")
    parser.add_argument("--change-every", type=int, default=50, help="checks between changes")
    args = parser.parse_args()
    results = measure(args.checks, args.concurrency, args.users, args.change_every)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))


if __name__ == "__main__":
    main()
