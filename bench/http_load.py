"""Logins and authenticated requests over HTTP: the example site under uvicorn, per backend.

    python -m bench.http_load [--database sqlite|postgresql] [--json PATH]
                              [--concurrency 8] [--logins 16] [--requests 400]

For each ModelBackend choice of ``examples/site`` (``SITE_MODEL_BACKEND``:
``django``, ``dual_mode``, ``reference``) the site runs under uvicorn (one
worker, Django's default PBKDF2 hasher) on 127.0.0.1, and this process drives a
bounded load at it: ``--concurrency`` clients, each with its own connection and
cookies, share a fixed number of requests.

* ``login``: ``POST /login/`` (``aauthenticate()`` then ``alogin()``), each
  from an anonymous session, so every request hashes a password and creates a
  session. The rate is bounded by the machine's **hashing limit** (PBKDF2 with
  the hasher's iterations, one thread per core, measured in this run).
* ``authenticated_get``: ``GET /api/me/`` with a session: ``await
  request.auser()`` and ``await user.ahas_perm("notes.view_note")`` (a
  group permission), one fresh user object, so uncached, per request.

The database (SQLite in a temporary file, or a fresh database on the PostgreSQL
server ``ABS_PGHOST``/``ABS_PGPORT`` name, else on a throwaway cluster this
starts) is migrated and seeded once and shared by the three servers. The load
generator shares the machine with the server: compare the backends with each
other, in one run, not with numbers from elsewhere.

``--json PATH`` writes::

    {
      "django": "5.2.19", "python": "3.11.9", "database": "sqlite" | "postgresql",
      "cpu_count": 2,                        # cores this process may use
      "hashing_limit_per_second": 3.5,       # PBKDF2 hashes/s, all cores: the best of one
                                             # measurement next to each backend's run
      "results": [
        {"backend": "django" | "dual_mode" | "reference",
         "scenario": "login" | "authenticated_get",
         "requests": 16,                     # sent
         "errors": 0,                        # transport errors and unexpected responses
         "concurrency": 8,
         "requests_per_second": 1.7,         # successful responses / wall time
         "p50_ms": 4400.0, "p99_ms": 5100.0  # over successful responses, nearest rank;
        },                                   # null when none succeeded
        ...
      ]
    }
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import os
import platform
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
import httpx

from examples.site import launch
from tools.pgcluster import throwaway_cluster

BACKENDS = ["django", "dual_mode", "reference"]
USERNAME = "alice"  # reads notes through her group: ahas_perm() finds the permission
PASSWORD = "http-load-password"


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def hashing_limit(cores: int) -> float:
    """PBKDF2 hashes per second with Django's default hasher, one thread per core."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    def one(_: int) -> bytes:
        return hashlib.pbkdf2_hmac(
            "sha256", PASSWORD.encode(), b"saltsaltsaltsalt", PBKDF2PasswordHasher.iterations
        )

    count = 2 * cores
    with ThreadPoolExecutor(max_workers=cores) as pool:
        start = time.perf_counter()
        list(pool.map(one, range(count)))
        return count / (time.perf_counter() - start)


@dataclass
class Outcome:
    requests: int
    elapsed: float = 0.0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    first_error: str | None = None


def percentile_ms(latencies: list[float], percent: float) -> float | None:
    """Nearest-rank percentile, in milliseconds."""
    if not latencies:
        return None
    ordered = sorted(latencies)
    return round(1000 * ordered[max(math.ceil(percent / 100 * len(ordered)) - 1, 0)], 2)


async def drive(
    clients: list[httpx.AsyncClient],
    requests: int,
    one_request: Callable[[httpx.AsyncClient], Awaitable[str | None]],
) -> Outcome:
    """``requests`` calls of ``one_request`` (an error description, or None), shared by clients."""
    outcome = Outcome(requests)
    remaining = requests

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            try:
                error = await one_request(client)
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            if error is None:
                outcome.latencies.append(time.perf_counter() - start)
            else:
                outcome.errors += 1
                outcome.first_error = outcome.first_error or error

    start = time.perf_counter()
    await asyncio.gather(*(client_loop(client) for client in clients))
    outcome.elapsed = time.perf_counter() - start
    return outcome


async def log_in(client: httpx.AsyncClient) -> str | None:
    # A new session each time: the login creates it, as a visitor's first login does.
    client.cookies.delete("sessionid")
    response = await client.post(
        "/login/",
        data={
            # The cookie's secret is a valid form token; login rotates it.
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
            "username": USERNAME,
            "password": PASSWORD,
        },
    )
    if response.status_code == 302 and response.headers["location"] == "/":
        return None
    return f"login answered {response.status_code}"


async def authenticated_get(client: httpx.AsyncClient) -> str | None:
    response = await client.get("/api/me/")
    if response.status_code == 200 and response.json()["can_view_notes"] is True:
        return None
    return f"/api/me/ answered {response.status_code}"


def result_row(backend: str, scenario: str, concurrency: int, outcome: Outcome) -> dict[str, Any]:
    successes = len(outcome.latencies)
    return {
        "backend": backend,
        "scenario": scenario,
        "requests": outcome.requests,
        "errors": outcome.errors,
        "concurrency": concurrency,
        "requests_per_second": round(successes / outcome.elapsed, 2) if outcome.elapsed else 0.0,
        "p50_ms": percentile_ms(outcome.latencies, 50),
        "p99_ms": percentile_ms(outcome.latencies, 99),
    }


async def load_one_server(
    url: str, backend: str, concurrency: int, logins: int, gets: int
) -> list[dict[str, Any]]:
    timeout = httpx.Timeout(120)
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=timeout))
            for _ in range(concurrency)
        ]
        for client in clients:
            await client.get("/login/")  # the CSRF cookie
        # Warm-up, not measured: templates, URL resolvers, the hashing pool, connections.
        await drive(clients[:1], 1, log_in)
        await drive(clients[:1], 2 * concurrency, authenticated_get)

        outcomes = {"login": await drive(clients, logins, log_in)}
        for client in clients:
            if "sessionid" not in client.cookies:  # its last login failed
                await log_in(client)
        outcomes["authenticated_get"] = await drive(clients, gets, authenticated_get)

    for scenario, outcome in outcomes.items():
        if outcome.first_error:
            print(f"  {backend} {scenario}: {outcome.errors} errors, first: {outcome.first_error}")
    return [result_row(backend, s, concurrency, o) for s, o in outcomes.items()]


@contextlib.contextmanager
def postgres_server() -> Iterator[dict[str, str]]:
    """The server ABS_PGHOST/ABS_PGPORT name, else a throwaway cluster for this run."""
    if os.environ.get("ABS_PGHOST") and os.environ.get("ABS_PGPORT"):
        yield {key: os.environ[key] for key in ("ABS_PGHOST", "ABS_PGPORT")}
    else:
        with throwaway_cluster() as env:
            yield env


def run(database_kind: str, concurrency: int, logins: int, gets: int) -> dict[str, Any]:
    cores = usable_cores()
    results: list[dict[str, Any]] = []
    # Measured next to each backend's load, while its server idles: the machine is shared.
    limits: list[float] = []
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="http-load-")))
        pg_env = stack.enter_context(postgres_server()) if database_kind == "postgresql" else {}
        database = stack.enter_context(launch.temporary_database(database_kind, workdir, pg_env))
        launch.prepare(launch.environment(database), PASSWORD)
        for backend in BACKENDS:
            env = launch.environment(database, model_backend=backend)
            with launch.serving(env, workdir) as site:
                limits.append(hashing_limit(cores))
                results += asyncio.run(
                    load_one_server(site.url, backend, concurrency, logins, gets)
                )
    return {
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": database_kind,
        "cpu_count": cores,
        "hashing_limit_per_second": round(max(limits), 2),
        "results": results,
    }


def print_table(report: dict[str, Any]) -> None:
    limit = report["hashing_limit_per_second"]
    print(
        f"Django {report['django']}, Python {report['python']}, {report['database']}; "
        f"hashing limit {limit:.2f}/s on {report['cpu_count']} cores"
    )
    header = f"{'backend':<10} {'scenario':<18} {'requests':>8} {'errors':>6} {'conc':>4} "
    print(header + f"{'req/s':>8} {'p50 ms':>9} {'p99 ms':>9} {'of limit':>8}")
    for row in report["results"]:
        share = f"{row['requests_per_second'] / limit:.0%}" if row["scenario"] == "login" else ""
        p50, p99 = (
            f"{row[key]:.1f}" if row[key] is not None else "-" for key in ("p50_ms", "p99_ms")
        )
        print(
            f"{row['backend']:<10} {row['scenario']:<18} {row['requests']:>8} "
            f"{row['errors']:>6} {row['concurrency']:>4} {row['requests_per_second']:>8.2f} "
            f"{p50:>9} {p99:>9} {share:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="HTTP load on the example site, per backend.")
    parser.add_argument("--database", choices=launch.DATABASE_KINDS, default="sqlite")
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once")
    parser.add_argument("--logins", type=int, default=16, help="login requests per backend")
    parser.add_argument("--requests", type=int, default=400, help="authenticated GETs per backend")
    options = parser.parse_args()
    report = run(options.database, options.concurrency, options.logins, options.requests)
    print_table(report)
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
