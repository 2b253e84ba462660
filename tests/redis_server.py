"""The test run's Redis server, and Django caches on it.

``make test`` starts a throwaway ``redis-server`` (``tools/redisserver.py``) and
names it in ``ABS_REDIS_URL``, a database of its own for each of its two runs;
a run started by hand without it starts one here, on first use, for the rest
of the run. Each test using it starts from an empty database.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Iterator
from typing import Any

import redis
from django.test import override_settings

from tools.redisserver import throwaway_redis

__all__ = ["REDIS_CACHE", "redis_caches", "redis_client", "redis_url"]

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"

_started = contextlib.ExitStack()
atexit.register(_started.close)
_url: str | None = None


def redis_url() -> str:
    """The server's URL, its database included; the server started if the run has none."""
    global _url
    if _url is None:
        url = os.environ.get("ABS_REDIS_URL")
        if not url:
            url = _started.enter_context(throwaway_redis())["ABS_REDIS_URL"] + "/0"
            os.environ["ABS_REDIS_URL"] = url  # for the run's subprocesses (benches, sites)
        _url = url
    return _url


def redis_client() -> redis.Redis:
    """A plain sync client of the server, for set-up and inspection."""
    return redis.Redis.from_url(redis_url())


@contextlib.contextmanager
def redis_caches(
    *aliases: str, location: str | None = None, options: dict[str, Any] | None = None, **entry: Any
) -> Iterator[None]:
    """``CACHES`` with each of ``aliases`` (``default`` if none) a ``RedisCache`` on the
    server (or ``location``), emptied first; ``options``: its ``OPTIONS``; ``entry``: more
    of its settings (``KEY_PREFIX``, ``VERSION``, ...)."""
    if location is None:
        with redis_client() as client:
            client.flushdb()
    entry = {
        "BACKEND": REDIS_CACHE,
        "LOCATION": location or redis_url(),
        "OPTIONS": options or {},
        **entry,
    }
    with override_settings(CACHES={alias: entry for alias in aliases or ("default",)}):
        yield
