"""Thread hops per request through the session and auth middleware: Django's stack, the reference.

    python -m bench.session_hops [--json PATH] [--repeats 3]

For each session engine (``db``, ``cache``, ``cached_db``, ``signed_cookies``,
and ``cache`` on Django's ``RedisCache``: ``cache_on_redis``), scenario and
stack, one request goes through Django's ``AsyncClient`` (the ASGI handler)
while :func:`auth_backend_sdk.engine.hops.count_hops` counts the
``sync_to_async`` calls it makes. The stacks:

* ``django``: ``django.contrib.sessions.backends.<engine>``, Django's
  ``SessionMiddleware`` and ``AuthenticationMiddleware``, Django's
  ``ModelBackend``;
* ``reference``: ``reference_backends.sessions.<engine>``,
  ``reference_backends.middleware.SessionMiddleware`` and
  ``AuthenticationMiddleware``, ``reference_backends.ModelBackend``.

The scenarios, each an async view on a client of its own:

* ``new_session``: the first request of a client writes to its session;
* ``read_write``: a request reads the session, changes it and saves it;
* ``read_only``: a request reads the session and leaves it unchanged;
* ``authenticated``: a logged-in request: ``await request.auser()`` and one
  ``await user.ahas_perm("auth.view_user")`` (a permission the user has).

The handler itself makes hops of its own (the ``request_started`` and
``request_finished`` receivers): the **baseline**, one request with no
middleware to a view that does nothing, counted the same way, is subtracted
from every count. The **floor** is one hop per phase that must reach the sync
ORM or cache (load, save; back-to-back queries share one: an authenticated
request loads its session, its user and their permissions in one step), none
for signed cookies' sessions, which need no I/O, and none for Redis, which
redis-py's asyncio client reaches from the event loop.

Each request is counted ``--repeats`` times, after a warm-up request; hops
are deterministic, and a count that varies is an error. The exit status is 1
if the reference stack makes more hops than the floor anywhere.

The database is the PostgreSQL server ``ABS_PGHOST``/``ABS_PGPORT`` name
(a database of this run's own there, dropped after), else SQLite in a
temporary file; the session cache is Django's local-memory cache, but for
``cache_on_redis``: the Redis server ``ABS_REDIS_URL`` names, else a
throwaway one this starts (Debian's ``redis-server``), where the reference
``ModelBackend`` keeps its permission cache too.

``--json PATH`` writes::

    {
      "run": {"django": "6.1.3", "database": "sqlite" | "postgresql", ...},
                                            # bench.environment.run_info()
      "repeats": 3,
      "baseline_hops": 2,                   # no middleware, a view that does nothing
      "rows": [
        {"engine": "db" | "cache" | "cached_db" | "signed_cookies" | "cache_on_redis",
         "scenario": "new_session" | "read_write" | "read_only" | "authenticated",
         "floor": 1,                        # hops per request the flow needs
         "hops": {"django": 2, "reference": 1}
                                            # per request, the baseline subtracted
        },
        ...
      ],
      "above_floor": []                     # "reference db read_only: 2 hops, floor 1", ...
    }
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import path

from auth_backend_sdk.engine.hops import count_hops

from .environment import (
    configured_sessions_django,
    redis_cache,
    redis_server,
    run_closing_connections,
    run_info,
)
from .tables import table

if TYPE_CHECKING:
    from django.test import AsyncClient

__all__ = [
    "ENGINES",
    "FLOORS",
    "SCENARIOS",
    "SCENARIO_LABELS",
    "STACKS",
    "Stack",
    "above_floor",
    "main",
    "measure",
    "render",
    "urlpatterns",
]

ENGINES = ("db", "cache", "cached_db", "signed_cookies", "cache_on_redis")
"""Each stack's session engine of that name; ``cache_on_redis`` is ``cache`` on Django's
``RedisCache``, with the reference ``ModelBackend``'s permission cache there too."""
SCENARIOS = ("new_session", "read_write", "read_only", "authenticated")
FLOORS: dict[str, dict[str, int]] = {
    **{
        engine: {"new_session": 1, "read_write": 2, "read_only": 1, "authenticated": 1}
        for engine in ("db", "cache", "cached_db")
    },
    **{
        engine: {"new_session": 0, "read_write": 0, "read_only": 0, "authenticated": 1}
        for engine in ("signed_cookies", "cache_on_redis")
    },
}
"""Hops per request the flow cannot go below: a hop per phase that reaches the sync ORM or
a cache without an async client (Redis has one: redis-py's asyncio client)."""

SCENARIO_LABELS = {
    "new_session": "new session",
    "read_write": "read+write",
    "read_only": "read-only",
    "authenticated": "authenticated (auser + ahas_perm)",
}

USERNAME = "hops-user"
PERMISSION = "auth.view_user"
DEFAULT_REPEATS = 3


@dataclass(frozen=True)
class Stack:
    """The session engines' package, the two middleware and the ModelBackend of one stack."""

    engines: str
    session_middleware: str
    authentication_middleware: str
    model_backend: str

    def settings(self, engine: str, redis: dict[str, Any]) -> dict[str, Any]:
        """The settings that put this stack, with ``engine``'s sessions, in front of the views."""
        chosen: dict[str, Any] = {
            "MIDDLEWARE": [self.session_middleware, self.authentication_middleware],
            "AUTHENTICATION_BACKENDS": [self.model_backend],
        }
        if engine == "cache_on_redis":
            chosen["CACHES"] = {"default": redis}
            chosen["REFERENCE_BACKENDS_PERMISSION_CACHE"] = "default"  # Django's ignores it
            engine = "cache"
        return {**chosen, "SESSION_ENGINE": f"{self.engines}.{engine}"}


STACKS = {
    "django": Stack(
        engines="django.contrib.sessions.backends",
        session_middleware="django.contrib.sessions.middleware.SessionMiddleware",
        authentication_middleware="django.contrib.auth.middleware.AuthenticationMiddleware",
        model_backend="django.contrib.auth.backends.ModelBackend",
    ),
    "reference": Stack(
        engines="reference_backends.sessions",
        session_middleware="reference_backends.middleware.SessionMiddleware",
        authentication_middleware="reference_backends.middleware.AuthenticationMiddleware",
        model_backend="reference_backends.ModelBackend",
    ),
}


# The views (this module is the run's ROOT_URLCONF).


async def nothing(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


async def read_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(await request.session.aget("visits", 0)))


async def read_write(request: HttpRequest) -> HttpResponse:
    visits = await request.session.aget("visits", 0) + 1
    await request.session.aset("visits", visits)
    return HttpResponse(str(visits))


async def authenticated(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    allowed = await user.ahas_perm(PERMISSION)
    return HttpResponse(f"{user.get_username()} {allowed}")


urlpatterns = [
    path("nothing/", nothing),
    path("read-only/", read_only),
    path("read-write/", read_write),
    path("authenticated/", authenticated),
]


# Counting.


class UnexpectedResponse(AssertionError):
    """A view answered something else than the scenario expects: its count would mean nothing."""


async def _get(client: AsyncClient, url: str, expected: str) -> HttpResponseBase:
    response = await client.get(url)
    if response.status_code != 200 or response.content.decode() != expected:
        raise UnexpectedResponse(
            f"GET {url}: {response.status_code} {response.content[:200]!r}, expected {expected!r}"
        )
    return response


async def _hops_of(request: Callable[[], Awaitable[object]]) -> int:
    with count_hops() as hops:
        await request()
    return hops.count


# Each scenario: make a client ready (its own, cookies included), then the request counted.
Scenario = Callable[["AsyncClient"], Awaitable[Callable[[], Awaitable[object]]]]


async def _new_session(client: AsyncClient) -> Callable[[], Awaitable[object]]:
    async def request() -> object:
        response = await _get(client, "/read-write/", "1")
        if not response.cookies.get("sessionid"):
            raise UnexpectedResponse("a new session was not sent to the client")
        return response

    return request


async def _read_write(client: AsyncClient) -> Callable[[], Awaitable[object]]:
    await _get(client, "/read-write/", "1")
    return lambda: _get(client, "/read-write/", "2")


async def _read_only(client: AsyncClient) -> Callable[[], Awaitable[object]]:
    await _get(client, "/read-write/", "1")
    return lambda: _get(client, "/read-only/", "1")


async def _authenticated(client: AsyncClient) -> Callable[[], Awaitable[object]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    user = await get_user_model().objects.aget(username=USERNAME)
    await client.aforce_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return lambda: _get(client, "/authenticated/", f"{USERNAME} True")


SCENARIO_STEPS: dict[str, Scenario] = {
    "new_session": _new_session,
    "read_write": _read_write,
    "read_only": _read_only,
    "authenticated": _authenticated,
}


async def _counted(prepare: Scenario, repeats: int, label: str) -> int:
    """The hops of the scenario's request, each time on a new client; after a warm-up."""
    from django.test import AsyncClient

    counts = []
    for _ in range(repeats + 1):
        request = await prepare(AsyncClient())
        counts.append(await _hops_of(request))
    measured = set(counts[1:])
    if len(measured) != 1:
        raise RuntimeError(f"{label}: hop counts vary from one request to the next: {counts}")
    return measured.pop()


async def baseline_hops(repeats: int) -> int:
    """The hops the ASGI handler makes around a request: no middleware, a view doing nothing."""
    from django.test import override_settings

    async def prepare(client: AsyncClient) -> Callable[[], Awaitable[object]]:
        return lambda: _get(client, "/nothing/", "")

    with override_settings(MIDDLEWARE=[]):
        return await _counted(prepare, repeats, "baseline")


async def stack_hops(
    stack: str, engine: str, scenario: str, repeats: int, redis: dict[str, Any]
) -> int:
    """The hops of one request of ``scenario`` through ``stack`` with ``engine``'s sessions,
    the handler's own included."""
    from django.test import override_settings

    with override_settings(**STACKS[stack].settings(engine, redis)):
        return await _counted(SCENARIO_STEPS[scenario], repeats, f"{stack} {engine} {scenario}")


async def _create_user() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    app_label, codename = PERMISSION.split(".")
    user = await get_user_model().objects.acreate(username=USERNAME)
    permission = await Permission.objects.aget(content_type__app_label=app_label, codename=codename)
    await user.user_permissions.aadd(permission)


async def _measure_all(repeats: int, redis: dict[str, Any]) -> dict[str, Any]:
    await _create_user()
    baseline = await baseline_hops(repeats)
    rows = []
    for engine in ENGINES:
        for scenario in SCENARIOS:
            hops = {
                stack: await stack_hops(stack, engine, scenario, repeats, redis) - baseline
                for stack in STACKS
            }
            rows.append(
                {
                    "engine": engine,
                    "scenario": scenario,
                    "floor": FLOORS[engine][scenario],
                    "hops": hops,
                }
            )
    return {"repeats": repeats, "baseline_hops": baseline, "rows": rows}


def above_floor(results: dict[str, Any]) -> list[str]:
    """Where the reference stack makes more hops than the floor."""
    return [
        f"reference {row['engine']} {row['scenario']}: {row['hops']['reference']} hops, "
        f"floor {row['floor']}"
        for row in results["rows"]
        if row["hops"]["reference"] > row["floor"]
    ]


# Django and the database.


def configured_django() -> AbstractContextManager[None]:
    """Django with sessions, auth and this module's views, on a database of the run's own."""
    return configured_sessions_django(
        "abs-bench-session-hops",
        apps=("reference_backends",),  # its permission cache's receivers
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        MIDDLEWARE=[],
        ROOT_URLCONF="bench.session_hops",  # its views, even when run as __main__
        ALLOWED_HOSTS=["testserver"],
        # No login is measured: the fast hasher keeps the setup quick.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )


def measure(repeats: int = DEFAULT_REPEATS) -> dict[str, Any]:
    """Every engine, scenario and stack, with what the run ran on."""
    with redis_server() as redis_url, configured_django():
        results: dict[str, Any] = {"run": run_info()}
        results.update(run_closing_connections(_measure_all(repeats, redis_cache(redis_url))))
    results["above_floor"] = above_floor(results)
    return results


# Output.


def render(results: dict[str, Any]) -> str:
    """The results as Markdown: a line on the run, a table, the verdict."""
    info = results["run"]
    header = (
        f"Thread hops per request through Django's AsyncClient: Django {info['django']}, "
        f"Python {info['python']}, {info['database']}. Each count is a request's hops minus "
        f"the handler's own ({results['baseline_hops']}: no middleware, a view doing nothing)."
    )
    rows = (
        [
            row["engine"],
            SCENARIO_LABELS[row["scenario"]],
            row["hops"]["reference"],
            row["hops"]["django"],
            row["floor"],
        ]
        for row in results["rows"]
    )
    body = table(["engine", "scenario", "reference", "Django's", "floor"], "llrrr", rows)
    broken = results["above_floor"]
    if broken:
        verdict = "Reference above the floor: " + "; ".join(broken)
    else:
        verdict = "Reference: at the floor everywhere."
    return "\n\n".join([header, body, verdict])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument(
        "--repeats", type=int, default=DEFAULT_REPEATS, help="requests counted per cell"
    )
    args = parser.parse_args()
    results = measure(args.repeats)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    raise SystemExit(1 if results["above_floor"] else 0)


if __name__ == "__main__":
    main()
