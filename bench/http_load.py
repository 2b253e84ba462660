"""Logins and authenticated requests over HTTP: the example site under uvicorn, against Django.

    python -m bench.http_load [--database sqlite|postgresql] [--json PATH]
                              [--concurrency 8] [--logins 16] [--requests 400]
                              [--rounds 3]

Two comparisons, each server in turn under uvicorn (one worker, Django's
default PBKDF2 hasher) on 127.0.0.1, while this process drives a bounded load at
it: ``--concurrency`` clients, each with its own connection and cookies, share
a fixed number of requests.

* **Backends** (``"stack": "django"`` rows): each ModelBackend choice of
  ``examples/site`` (``SITE_MODEL_BACKEND``: ``django``, ``dual_mode``,
  ``reference``) behind Django's session engine and middleware
  (``SITE_STACK=django``), scenarios ``login`` and ``authenticated_get``.
* **Stacks** (``"backend": "stack"`` rows): Django's stack (its ``db`` session
  engine, session and authentication middleware and ``ModelBackend``) against
  the reference stack (``reference_backends.sessions.db``,
  ``reference_backends.middleware`` and ``reference_backends.ModelBackend``),
  scenarios ``authenticated_get`` and ``read_write``, with ``db`` sessions;
  each within the site's full middleware list (``"middleware": "full"``) and
  within the minimal one (``"minimal"``: without the security, common, CSRF
  and clickjacking middleware, the same in both stacks, each a thread hop or
  more per request under ASGI). Two servers on a shared machine drift apart
  from one measurement to the next: each stack is measured ``--rounds`` times,
  the stacks taking turns to go first, and its row is the round with the median
  requests/s.

* ``login``: ``POST /login/`` (``aauthenticate()`` then ``alogin()``), each
  from an anonymous session, so every request hashes a password and creates a
  session. The rate is bounded by the machine's **hashing limit** (PBKDF2 with
  the hasher's iterations, one thread per core, measured in this run).
* ``authenticated_get``: ``GET /api/me/`` with a session: ``await
  request.auser()`` and ``await user.ahas_perm("notes.view_note")`` (a
  group permission), one fresh user object, so uncached, per request. The
  session is read, not written.
* ``read_write``: ``GET /api/visits/`` with a session: the user, and a
  counter in the session incremented, so the session is saved.

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
        {"stack": "django" | "reference",    # session engine and middleware
         "middleware": "full" | "minimal",   # stack rows only: the site's other middleware
         "backend": "django" | "dual_mode" | "reference" | "stack",
         "scenario": "login" | "authenticated_get" | "read_write",
         "requests": 16,                     # sent
         "errors": 0,                        # transport errors and unexpected responses
         "concurrency": 8,
         "requests_per_second": 1.7,         # successful responses / wall time
         "p50_ms": 4400.0, "p99_ms": 5100.0, # over successful responses, nearest rank;
                                             # null when none succeeded
         "server_cpu_ms_per_request": 5.2,   # uvicorn's CPU time (user and system, its
                                             # workers' too) over the successful responses;
                                             # null where not Linux
         "round_requests_per_second": [...], # stack rows only: each round's requests/s, in
                                             # order; the row's other fields are the median's
         "machine_load": {...}               # the machine's load during this scenario
        },
        ...
      ],
      "machine_load": {...}                  # during the whole run, hashing limits included
    }

``machine_load`` (:mod:`bench.machine_load`; null where not Linux): other
processes' CPU and steal, with ``loaded`` true for a result taken under load.
The uvicorn servers are this process's children, and the PostgreSQL server is
named to the sampler: their work is the benchmark's own, not other processes'.
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

from bench.machine_load import (
    Recording,
    database_server,
    process_tree_cpu_seconds,
    sample_machine_load,
)
from examples.site import launch
from tools.pgcluster import throwaway_cluster

BACKENDS = ["django", "dual_mode", "reference"]
STACKS = {"django": "django", "reference": "reference"}  # stack -> its ModelBackend
MIDDLEWARE = ("full", "minimal")  # the site's SITE_MIDDLEWARE around each stack
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
    server_cpu_seconds: float | None = None
    worker_cpu_seconds: list[float] | None = None


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
            # Without the CSRF middleware (SITE_MIDDLEWARE=minimal) there is no token to send.
            "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
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


async def read_write(client: httpx.AsyncClient) -> str | None:
    response = await client.get("/api/visits/")
    if response.status_code == 200 and response.json()["visits"] > 0:
        return None
    return f"/api/visits/ answered {response.status_code}"


def result_row(
    stack: str, backend: str, scenario: str, concurrency: int, outcome: Outcome
) -> dict[str, Any]:
    successes = len(outcome.latencies)
    cpu = outcome.server_cpu_seconds
    return {
        "stack": stack,
        "backend": backend,
        "scenario": scenario,
        "requests": outcome.requests,
        "errors": outcome.errors,
        "concurrency": concurrency,
        "requests_per_second": round(successes / outcome.elapsed, 2) if outcome.elapsed else 0.0,
        "p50_ms": percentile_ms(outcome.latencies, 50),
        "p99_ms": percentile_ms(outcome.latencies, 99),
        "server_cpu_ms_per_request": (
            round(1000 * cpu / successes, 2) if cpu is not None and successes else None
        ),
        **(
            {"worker_cpu_seconds": outcome.worker_cpu_seconds}
            if outcome.worker_cpu_seconds is not None
            else {}
        ),
    }


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The row of the round with the median requests/s (of an even count, the lower middle one),
    with every round's requests/s in ``round_requests_per_second``."""
    ordered = sorted(rounds, key=lambda row: row["requests_per_second"])
    median = ordered[(len(ordered) - 1) // 2]
    return {**median, "round_requests_per_second": [row["requests_per_second"] for row in rounds]}


def taking_turns(
    rounds: int, measure: Callable[[str, str], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The rows ``measure(stack, its ModelBackend)`` gives for each of :data:`STACKS`, measured
    ``rounds`` times, the stacks taking turns to go first so that neither gets the quieter
    moments; per stack and scenario, the median round (:func:`median_round`)."""
    by_case: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for round_number in range(rounds):
        order = list(STACKS.items())[:: 1 if round_number % 2 == 0 else -1]
        for stack_name, model_backend in order:
            for row in measure(stack_name, model_backend):
                by_case.setdefault((stack_name, row["scenario"]), []).append(row)
    return [median_round(rounds_of_case) for rounds_of_case in by_case.values()]


SCENARIOS: dict[str, Callable[[httpx.AsyncClient], Awaitable[str | None]]] = {
    "login": log_in,
    "authenticated_get": authenticated_get,
    "read_write": read_write,
}


async def load_one_server(
    site: launch.RunningSite,
    stack: str,
    backend: str,
    scenarios: tuple[str, ...],
    counts: dict[str, int],
    concurrency: int,
    also_ours: dict[str, int],
    *,
    keep_alive: bool = True,
) -> list[dict[str, Any]]:
    """Each of ``scenarios`` in turn, ``counts[scenario]`` requests shared by the clients.

    Each client keeps its connection, or with ``keep_alive`` false opens one per
    request: each request to a site with several workers then goes to whichever
    worker accepts its connection first (an idle one, as a rule), not to the
    worker its client happened to connect to at the start.
    """
    timeout = httpx.Timeout(120)
    limits = httpx.Limits() if keep_alive else httpx.Limits(max_keepalive_connections=0)
    outcomes: dict[str, Outcome] = {}
    loads: dict[str, Recording] = {}
    async with contextlib.AsyncExitStack() as exits:
        clients = [
            await exits.enter_async_context(
                httpx.AsyncClient(base_url=site.url, timeout=timeout, limits=limits)
            )
            for _ in range(concurrency)
        ]
        for client in clients:
            await client.get("/login/")  # the CSRF cookie
        # Warm-up, not measured: templates, URL resolvers, the hashing pool, connections.
        await drive(clients[:1], 1, log_in)
        await drive(clients[:1], 2 * concurrency, authenticated_get)
        for scenario in scenarios:
            if scenario != "login":
                for client in clients:
                    if (
                        "sessionid" not in client.cookies
                    ):  # never logged in, or its last login failed
                        await log_in(client)
            with sample_machine_load(also_ours) as loads[scenario]:
                cpu_before = _cpu_seconds(site)
                outcomes[scenario] = await drive(clients, counts[scenario], SCENARIOS[scenario])
                cpu_after = _cpu_seconds(site)
            if cpu_before is not None and cpu_after is not None:
                outcomes[scenario].server_cpu_seconds = cpu_after[0] - cpu_before[0]
                if len(site.worker_pids) > 1:
                    outcomes[scenario].worker_cpu_seconds = [
                        round(after - before, 2)
                        for before, after in zip(cpu_before[1:], cpu_after[1:], strict=True)
                    ]

    for scenario, outcome in outcomes.items():
        if outcome.first_error:
            print(
                f"  {stack}/{backend} {scenario}: {outcome.errors} errors, "
                f"first: {outcome.first_error}"
            )
    return [
        {**result_row(stack, backend, s, concurrency, o), "machine_load": loads[s].as_json()}
        for s, o in outcomes.items()
    ]


def _cpu_seconds(site: launch.RunningSite) -> tuple[float, ...] | None:
    """CPU seconds of the whole server (uvicorn's process tree), then of each worker."""
    counts = [process_tree_cpu_seconds(pid) for pid in (site.pid, *site.worker_pids)]
    known = tuple(count for count in counts if count is not None)
    return known if len(known) == len(counts) else None


@contextlib.contextmanager
def postgres_server() -> Iterator[dict[str, str]]:
    """The server ABS_PGHOST/ABS_PGPORT name, else a throwaway cluster for this run."""
    if os.environ.get("ABS_PGHOST") and os.environ.get("ABS_PGPORT"):
        yield {key: os.environ[key] for key in ("ABS_PGHOST", "ABS_PGPORT")}
    else:
        with throwaway_cluster() as env:
            yield env


COMPARISONS = ("backends", "stacks")


def run(
    database_kind: str,
    concurrency: int,
    logins: int,
    gets: int,
    comparisons: tuple[str, ...] = COMPARISONS,
    rounds: int = 3,
) -> dict[str, Any]:
    cores = usable_cores()
    results: list[dict[str, Any]] = []
    # Measured next to each backend's load, while its server idles: the machine is shared.
    limits: list[float] = []
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="http-load-")))
        pg_env = stack.enter_context(postgres_server()) if database_kind == "postgresql" else {}
        database = stack.enter_context(launch.temporary_database(database_kind, workdir, pg_env))
        launch.prepare(launch.environment(database), PASSWORD)
        # pg_ctl detaches the PostgreSQL server: name it, or its work would count as others'.
        also_ours = database_server(pg_env)
        counts = {"login": logins, "authenticated_get": gets, "read_write": gets}
        with sample_machine_load(also_ours) as load:
            for backend in BACKENDS if "backends" in comparisons else ():
                env = launch.environment(database, model_backend=backend, stack="django")
                with launch.serving(env, workdir) as site:
                    limits.append(hashing_limit(cores))
                    results += asyncio.run(
                        load_one_server(
                            site,
                            "django",
                            backend,
                            ("login", "authenticated_get"),
                            counts,
                            concurrency,
                            also_ours,
                        )
                    )
            for middleware in MIDDLEWARE if "stacks" in comparisons else ():

                def measure(
                    stack_name: str, model_backend: str, middleware: str = middleware
                ) -> list[dict[str, Any]]:
                    env = launch.environment(
                        database,
                        model_backend=model_backend,
                        stack=stack_name,
                        middleware=middleware,
                    )
                    with launch.serving(env, workdir) as site:
                        return asyncio.run(
                            load_one_server(
                                site,
                                stack_name,
                                "stack",
                                ("authenticated_get", "read_write"),
                                counts,
                                concurrency,
                                also_ours,
                            )
                        )

                results += [
                    {**row, "middleware": middleware} for row in taking_turns(rounds, measure)
                ]
    return {
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": database_kind,
        "cpu_count": cores,
        "hashing_limit_per_second": round(max(limits), 2) if limits else None,
        "results": results,
        "machine_load": load.as_json(),
    }


def print_table(report: dict[str, Any]) -> None:
    limit = report["hashing_limit_per_second"]
    measured = f"hashing limit {limit:.2f}/s" if limit else "no login measured"
    print(
        f"Django {report['django']}, Python {report['python']}, {report['database']}; "
        f"{measured} on {report['cpu_count']} cores"
    )
    header = f"{'stack':<10} {'backend':<10} {'middleware':<10} {'scenario':<18} "
    header += f"{'requests':>8} {'errors':>6} {'conc':>4} "
    print(header + f"{'req/s':>8} {'p50 ms':>9} {'p99 ms':>9} {'cpu ms':>7} {'of limit':>8}")
    for row in report["results"]:
        is_login = limit and row["scenario"] == "login"
        share = f"{row['requests_per_second'] / limit:.0%}" if is_login else ""
        p50, p99 = (
            f"{row[key]:.1f}" if row[key] is not None else "-" for key in ("p50_ms", "p99_ms")
        )
        cpu = row.get("server_cpu_ms_per_request")
        cpu = "-" if cpu is None else f"{cpu:.2f}"
        print(
            f"{row.get('stack', 'django'):<10} {row['backend']:<10} "
            f"{row.get('middleware', 'full'):<10} {row['scenario']:<18} {row['requests']:>8} "
            f"{row['errors']:>6} {row['concurrency']:>4} {row['requests_per_second']:>8.2f} "
            f"{p50:>9} {p99:>9} {cpu:>7} {share:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description="HTTP load on the example site, per backend and stack."
    )
    parser.add_argument("--database", choices=launch.DATABASE_KINDS, default="sqlite")
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once")
    parser.add_argument("--logins", type=int, default=16, help="login requests per backend")
    parser.add_argument(
        "--requests", type=int, default=400, help="requests per scenario but login, per server"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of each stack, the median kept"
    )
    parser.add_argument(
        "--only",
        choices=COMPARISONS,
        help="run one comparison only (a partial run: not for bench/results/)",
    )
    options = parser.parse_args()
    comparisons = (options.only,) if options.only else COMPARISONS
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    report = run(
        options.database,
        options.concurrency,
        options.logins,
        options.requests,
        comparisons,
        options.rounds,
    )
    print_table(report)
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
