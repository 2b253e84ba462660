"""Several uvicorn workers sharing the database and Redis: Django's stack against the reference.

    python -m bench.http_workers [--database postgresql|sqlite] [--json PATH]
                                 [--workers 1 2 4] [--concurrency 16] [--requests 600]
                                 [--rounds 3]

The example site under uvicorn with ``--workers`` 1, 2 and 4, its sessions in
Redis (``SITE_REDIS_URL``: the default cache is Django's ``RedisCache``,
``SITE_SESSION_ENGINE=cache``), each stack in turn:

* ``django``: Django's ``cache`` session engine, session and authentication
  middleware and ``ModelBackend``;
* ``reference``: ``reference_backends.sessions.cache`` (redis-py's asyncio
  client under ASGI), ``reference_backends.middleware`` and
  ``reference_backends.ModelBackend`` with its permission cache in the same
  Redis (``REFERENCE_BACKENDS_PERMISSION_CACHE``).

Both within the site's minimal middleware list (``SITE_MIDDLEWARE=minimal``:
the security, common, CSRF and clickjacking middleware, the same in both
stacks and each a thread hop under ASGI, left out; ``bench.http_load``
measures the stacks with and without them). Scenarios as in
``bench.http_load``: ``authenticated_get`` (``GET /api/me/``: the session
read, ``await request.auser()``, one ``ahas_perm()``) and ``read_write``
(``GET /api/visits/``: the session read and saved). ``--concurrency``
clients share ``--requests`` requests per scenario, each opening a connection
per request: on uvicorn's shared socket, whichever worker accepts it first
(an idle one, as a rule) serves it. Each worker count and stack is measured ``--rounds`` times, the
stacks taking turns to go first; its row is the median round by requests/s.

The load generator, the workers, the database and Redis share this machine's
cores: throughput grows with workers only while a core is idle. Compare the
stacks within one run; the curve's shape says where the cores ran out.

``--json PATH`` writes::

    {
      "django": "6.1.3", "python": "3.13.0", "database": "postgresql" | "sqlite",
      "cpu_count": 2, "concurrency": 16, "requests": 600, "rounds": 3,
      "results": [
        {"workers": 2, "stack": "django" | "reference",
         "scenario": "authenticated_get" | "read_write",
         ...                                 # bench.http_load's result row, whose
                                             # server_cpu_ms_per_request counts every worker
         "worker_cpu_seconds": [1.2, 1.1],   # with 2 workers or more: each one's CPU time
         "round_requests_per_second": [...], # each round's, in order
         "machine_load": {...}
        },
        ...
      ],
      "machine_load": {...}                  # during the whole run
    }

Passwords use the MD5 hasher (``SITE_MODE=test``): each client logs in once
per server, and no login is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import platform
import tempfile
from pathlib import Path
from typing import Any

import django

from bench.environment import redis_server
from bench.http_load import (
    PASSWORD,
    load_one_server,
    postgres_server,
    taking_turns,
    usable_cores,
)
from bench.machine_load import database_server, redis_server_process, sample_machine_load
from bench.markdown import workers_table as render
from examples.site import launch

__all__ = ["SCENARIOS", "WORKERS", "main", "render", "run"]

WORKERS = (1, 2, 4)
SCENARIOS = ("authenticated_get", "read_write")


def run(
    database_kind: str,
    workers: tuple[int, ...] = WORKERS,
    concurrency: int = 16,
    requests: int = 600,
    rounds: int = 3,
) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="http-workers-")))
        pg_env = stack.enter_context(postgres_server()) if database_kind == "postgresql" else {}
        redis_url = stack.enter_context(redis_server())
        database = stack.enter_context(launch.temporary_database(database_kind, workdir, pg_env))
        launch.prepare(launch.environment(database, mode="test"), PASSWORD)
        # Servers this process did not start: named, or their work would count as others'.
        also_ours = {**database_server(pg_env), **redis_server_process(redis_url)}
        counts = dict.fromkeys(SCENARIOS, requests)
        with sample_machine_load(also_ours) as load:
            for count in workers:

                def measure(
                    stack_name: str, model_backend: str, count: int = count
                ) -> list[dict[str, Any]]:
                    env = launch.environment(
                        database,
                        model_backend=model_backend,
                        mode="test",
                        stack=stack_name,
                        session_engine="cache",
                        middleware="minimal",
                        redis_url=redis_url,
                    )
                    with launch.serving(env, workdir, workers=count) as site:
                        return asyncio.run(
                            load_one_server(
                                site,
                                stack_name,
                                "stack",
                                SCENARIOS,
                                counts,
                                concurrency,
                                also_ours,
                                keep_alive=False,
                            )
                        )

                results += [{"workers": count, **row} for row in taking_turns(rounds, measure)]
    return {
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": database_kind,
        "cpu_count": usable_cores(),
        "concurrency": concurrency,
        "requests": requests,
        "rounds": rounds,
        "results": results,
        "machine_load": load.as_json(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=launch.DATABASE_KINDS, default="postgresql")
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=list(WORKERS), help="uvicorn worker counts"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="clients at once")
    parser.add_argument("--requests", type=int, default=600, help="requests per scenario")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each stack")
    options = parser.parse_args()
    if options.rounds < 1 or min(options.workers) < 1:
        parser.error("--rounds and --workers must be at least 1")
    report = run(
        options.database,
        tuple(options.workers),
        options.concurrency,
        options.requests,
        options.rounds,
    )
    print(render(report))
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
