"""Concurrent logins with the default PBKDF2 hasher, and cold permission checks.

    python -m bench.logins [--concurrency 16 32] [--checks 400]

Run under one Django version at a time (``make bench`` runs it on 5.2 and
6.1). Everything is measured side by side in one run:

* the machine's **hashing limit**: ``hashlib.pbkdf2_hmac`` with the default
  hasher's iterations, one thread per core;
* N concurrent ``aauthenticate()`` logins (each in its own
  ``ThreadSensitiveContext``, as Django's ASGI handler runs a request) through
  Django's built-in ``ModelBackend`` and through ``reference_backends``: the
  longest event-loop stall (a 1 ms ticker's worst lateness) and the login rate;
* cold ``ahas_perm()`` checks (no permission cache) against PostgreSQL when
  ``ABS_PGHOST``/``ABS_PGPORT`` name a server (``make bench`` starts one),
  else SQLite.

Targets (issue 3): stall <= 20 ms; rate >= 90% of the hashing limit and
>= 1.0x Django's; cold permission checks >= 1.3x Django's on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from django.conf import settings

from tools.pgcluster import django_database

PASSWORD = "correct horse battery staple"


def configure() -> str:
    if os.environ.get("ABS_PGHOST"):
        database: dict[str, Any] = django_database()
    else:
        path = os.path.join(tempfile.mkdtemp(prefix="abs-bench-"), "bench.sqlite3")
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {"timeout": 60},
        }
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
        DATABASES={"default": database},
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return str(database["ENGINE"]).rsplit(".", 1)[-1]


async def as_a_request(call: Callable[[], Awaitable[Any]]) -> Any:
    from asgiref.sync import ThreadSensitiveContext, sync_to_async
    from django.db import connections

    async with ThreadSensitiveContext():
        try:
            return await call()
        finally:
            await sync_to_async(connections.close_all)()


async def stall_and_rate(login: Callable[[], Awaitable[Any]], n: int) -> tuple[float, float]:
    """(longest loop stall in seconds, logins per second) for ``n`` concurrent logins."""
    done = False
    worst = 0.0

    async def ticker() -> None:
        nonlocal worst
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, time.perf_counter() - before - 0.001)

    ticking = asyncio.ensure_future(ticker())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    users = await asyncio.gather(*(as_a_request(login) for _ in range(n)))
    elapsed = time.perf_counter() - start
    done = True
    await ticking
    assert all(user is not None for user in users), "every login must succeed"
    return worst, n / elapsed


def hashing_limit(n: int) -> float:
    """Hashes per second: pbkdf2 with the default hasher's iterations, one thread per core."""
    from django.contrib.auth.hashers import get_hasher

    iterations = get_hasher().iterations  # type: ignore[attr-defined]

    def one(_: int) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), b"saltsaltsaltsalt", iterations)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        start = time.perf_counter()
        list(pool.map(one, range(n)))
        return n / (time.perf_counter() - start)


async def cold_permission_rate(backend: Any, user: Any, checks: int) -> float:
    start = time.perf_counter()
    for _ in range(checks):
        for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(cache, None)
        assert await backend.ahas_perm(user, "auth.change_group")
    return checks / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--checks", type=int, default=400, help="cold permission checks")
    args = parser.parse_args()
    vendor = configure()

    from django.contrib.auth import backends as django_backends
    from django.contrib.auth.hashers import get_hasher
    from django.contrib.auth.models import Group, Permission, User

    import reference_backends

    User.objects.filter(username__in=["bench", "staff"]).delete()  # a rerun on the same server
    Group.objects.filter(name="editors").delete()
    User.objects.create_user("bench", password=PASSWORD)
    staff = User.objects.create_user("staff", password=PASSWORD)
    group = Group.objects.create(name="editors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="auth")[:6])
    staff.groups.add(group)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_user"))

    contenders = {
        "Django ModelBackend": django_backends.ModelBackend(),
        "reference ModelBackend": reference_backends.ModelBackend(),
    }
    print(
        f"Django {django.get_version()}, {get_hasher().algorithm} "
        f"({get_hasher().iterations} iterations), {os.cpu_count()} cores, "  # type: ignore[attr-defined]
        f"database: {vendor}"
    )
    print()
    columns = ["concurrent logins", "backend", "longest stall (ms)", "logins/s"]
    print("| " + " | ".join([*columns, "of hashing limit", "vs Django"]) + " |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in args.concurrency:
        # The machine is shared: take the limit before and after, and average.
        limit_before = hashing_limit(n)
        rates: dict[str, float] = {}
        results: list[tuple[str, float, float]] = []
        for name, backend in contenders.items():

            async def login(backend: Any = backend) -> Any:
                return await backend.aauthenticate(None, username="bench", password=PASSWORD)

            stall, rate = asyncio.run(stall_and_rate(login, n))
            rates[name] = rate
            results.append((name, stall, rate))
        limit = (limit_before + hashing_limit(n)) / 2
        for name, stall, rate in results:
            versus = rate / rates["Django ModelBackend"]
            print(
                f"| {n} | {name} | {stall * 1000:.1f} | {rate:.2f} | "
                f"{rate / limit:.0%} | {versus:.2f}x |"
            )
        print(f"| {n} | hashing limit | | {limit:.2f} | 100% | |")

    print()
    print(f"| cold ahas_perm() ({vendor}) | checks/s | vs Django |")
    print("|---|---:|---:|")
    baseline = 0.0
    for name, backend in contenders.items():
        user = User.objects.get(pk=staff.pk)
        rate = asyncio.run(cold_permission_rate(backend, user, args.checks))
        baseline = baseline or rate
        print(f"| {name} | {rate:.0f} | {rate / baseline:.2f}x |")


if __name__ == "__main__":
    main()
