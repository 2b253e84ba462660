"""Django set up for one benchmark process, and what the run ran on.

The database is the throwaway PostgreSQL cluster when ``ABS_PGHOST`` and
``ABS_PGPORT`` name one (``make bench`` starts it), else a fresh SQLite file.
Django's default hashers are kept: logins are measured with the default
PBKDF2 hasher; :func:`fast_hashing` switches to MD5 where only the overhead
around the hash is of interest.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import os
import platform
import subprocess
import tempfile
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import django
from django.conf import settings

from tools.pgcluster import django_database
from tools.redisserver import throwaway_redis

__all__ = [
    "configure",
    "configured_sessions_django",
    "database_vendor",
    "fast_hashing",
    "redis_cache",
    "redis_server",
    "run_closing_connections",
    "run_info",
]

_T = TypeVar("_T")

MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def _database() -> dict[str, Any]:
    if os.environ.get("ABS_PGHOST"):
        return django_database()
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(tempfile.mkdtemp(prefix="abs-bench-"), "bench.sqlite3"),
        "OPTIONS": {"timeout": 60},
    }


def configure() -> None:
    """Configure settings, set Django up and migrate the database."""
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
        DATABASES={"default": _database()},
        # Django's default list with MD5 added last: MD5 hashes made under
        # fast_hashing() stay verifiable, and PBKDF2 stays the default.
        PASSWORD_HASHERS=[*_default_hashers(), MD5_HASHER],
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _default_hashers() -> list[str]:
    from django.conf import global_settings

    return list(global_settings.PASSWORD_HASHERS)


@contextlib.contextmanager
def fast_hashing() -> Iterator[None]:
    """Hash and verify with MD5 only, so that a login costs microseconds, not a second."""
    from django.contrib.auth.hashers import get_hasher
    from django.test import override_settings

    # override_settings sends setting_changed, on which Django drops its hasher caches.
    with override_settings(PASSWORD_HASHERS=[MD5_HASHER]):
        if get_hasher().algorithm != "md5":
            raise RuntimeError("the MD5 hasher did not take effect")
        yield


def database_vendor() -> str:
    """``"postgresql"`` or ``"sqlite"``: the names the results files use."""
    from django.db import connection

    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def run_info() -> dict[str, Any]:
    """Versions, machine and hasher: what a reader needs to weigh the numbers."""
    from django.contrib.auth.hashers import get_hasher

    hasher: Any = get_hasher()
    return {
        "django": django.get_version(),
        "django_series": ".".join(django.get_version().split(".")[:2]),
        "python": platform.python_version(),
        "asgiref": _version_of("asgiref"),
        "database": database_vendor(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(terse=True),
        "hasher": hasher.algorithm,
        "hasher_iterations": getattr(hasher, "iterations", None),
        "date": datetime.date.today().isoformat(),
        "commit": _commit(),
    }


def _commit() -> str | None:
    """The checked-out commit, if this is a git checkout (uncommitted changes not included)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _version_of(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


@contextlib.contextmanager
def configured_sessions_django(
    prefix: str, *, apps: tuple[str, ...] = (), **more_settings: Any
) -> Iterator[None]:
    """Django with contenttypes, auth and sessions, on a database of the run's own, dropped after.

    A database named after ``prefix`` and this process on the PostgreSQL server
    ``ABS_PGHOST``/``ABS_PGPORT`` name (not the server's test database: a test
    run may be using it), else a SQLite file in a temporary directory.
    ``apps`` are installed after those; ``more_settings`` are added to the settings.
    """
    import secrets

    from django.conf import settings

    with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as scratch:
        database: dict[str, Any]
        if os.environ.get("ABS_PGHOST"):
            own = f"{prefix.replace('-', '_')}_{os.getpid()}"
            database = {**django_database(), "TEST": {"NAME": own}}
        else:
            path = os.path.join(scratch, f"{prefix}.sqlite3")
            database = {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": path,
                "OPTIONS": {"timeout": 60},
                "TEST": {"NAME": path},
            }
        settings.configure(
            INSTALLED_APPS=[
                "django.contrib.contenttypes",
                "django.contrib.auth",
                "django.contrib.sessions",
                *apps,
            ],
            DATABASES={"default": database},
            SECRET_KEY=secrets.token_urlsafe(32),
            USE_TZ=True,
            **more_settings,
        )
        django.setup()
        from django.db import connection

        server_database = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield
        finally:
            connection.creation.destroy_test_db(server_database, verbosity=0)


def run_closing_connections(main: Coroutine[Any, Any, _T]) -> _T:
    """``asyncio.run(main)``, then close the database connections its ORM calls opened.

    Outside a request, the ``sync_to_async`` calls of a loop share one thread,
    whose connection outlives the loop: PostgreSQL would then refuse to drop
    the run's database.
    """

    async def closing() -> _T:
        from asgiref.sync import sync_to_async
        from django.db import connections

        try:
            return await main
        finally:
            await sync_to_async(connections.close_all)()

    return asyncio.run(closing())


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """The URL of the Redis database ``ABS_REDIS_URL`` names (``make bench`` starts a server),
    else of database 0 on a throwaway server started for the block (Debian's ``redis-server``)."""
    url = os.environ.get("ABS_REDIS_URL")
    if url:
        yield url
        return
    with throwaway_redis() as env:
        yield env["ABS_REDIS_URL"] + "/0"


def redis_cache(url: str) -> dict[str, Any]:
    """A ``CACHES`` entry for Django's ``RedisCache`` at ``url``, under a key prefix of this
    run's own: the server may hold another run's sessions and permissions, keyed by ids
    that this run's database gives to other users."""
    import secrets

    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": f"bench-{secrets.token_hex(6)}",
    }
