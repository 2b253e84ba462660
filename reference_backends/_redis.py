"""The asyncio twin of a Django ``RedisCache`` alias: the same entries, no thread hop.

Django's ``BaseCache.aget()``, ``aset()`` and the rest are ``sync_to_async``
wrappers: each is a thread hop around a Redis round trip that redis-py's
asyncio client does on the event loop. :func:`async_twin` gives, for a cache
alias whose backend is Django's ``RedisCache``, an object with the same
methods as coroutines, which read and write exactly what the alias's sync
methods would:

* the same keys (the alias's ``KEY_PREFIX``, ``VERSION`` and ``KEY_FUNCTION``,
  through its own ``make_and_validate_key()``), the same values (its
  serializer), the same expiry (its ``get_backend_timeout()``), and the same
  server for each call (its client's rule: writes to the first server, reads
  from the others when there are several);
* one connection pool per event loop and server, from the alias's
  ``LOCATION`` and ``OPTIONS``: asyncio connections belong to the loop that
  opened them. A loop's pools are disconnected when that loop is closed
  (``asyncio.run()``, asgiref's ``async_to_sync()``, a test's loop), and a
  forked child forgets its parent's.

Aliases a custom client class, pool class or parser class configures have no
twin (None): their sync side may do what this module cannot know.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import threading
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import setting_changed

if TYPE_CHECKING:
    import redis.asyncio

__all__ = ["AsyncRedisCache", "async_twin"]

# What the sync client's pool is given but an asyncio pool must not be: the sync
# parser (redis.asyncio picks its own).
_SYNC_ONLY_OPTIONS = frozenset({"parser_class"})


class AsyncRedisCache:
    """The coroutine side of one ``RedisCache`` alias (see the module's docstring)."""

    def __init__(self, alias: str, cache: RedisCache) -> None:
        self.alias = alias
        self._serial = next(_serials)  # names its clients in the loops' registries
        self._cache = cache
        # Django's client, whose private attributes (not in django-stubs) are its rules.
        self._client: Any = cast(Any, cache._cache)
        self._options = {
            name: value
            for name, value in self._client._pool_options.items()
            if name not in _SYNC_ONLY_OPTIONS
        }

    async def get(self, key: str, default: Any = None) -> Any:
        key = self._cache.make_and_validate_key(key)
        value = await self._redis(write=False).get(key)
        return default if value is None else self._client._serializer.loads(value)

    async def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        key_map = {self._cache.make_and_validate_key(key): key for key in keys}
        values = await self._redis(write=False).mget(list(key_map))
        return {
            key_map[key]: self._client._serializer.loads(value)
            for key, value in zip(key_map, values, strict=True)
            if value is not None
        }

    async def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        key = self._cache.make_and_validate_key(key)
        timeout = self._cache.get_backend_timeout(timeout)
        client = self._redis(write=True)
        dumped = self._client._serializer.dumps(value)
        if timeout == 0:  # as Django's client: added, then gone at once
            if added := bool(await client.set(key, dumped, nx=True)):
                await client.delete(key)
            return added
        return bool(await client.set(key, dumped, ex=timeout, nx=True))

    async def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        key = self._cache.make_and_validate_key(key)
        timeout = self._cache.get_backend_timeout(timeout)
        client = self._redis(write=True)
        if timeout == 0:
            await client.delete(key)
        else:
            await client.set(key, self._client._serializer.dumps(value), ex=timeout)

    async def delete(self, key: str) -> bool:
        key = self._cache.make_and_validate_key(key)
        return bool(await self._redis(write=True).delete(key))

    async def has_key(self, key: str) -> bool:
        key = self._cache.make_and_validate_key(key)
        return bool(await self._redis(write=False).exists(key))

    def _redis(self, *, write: bool) -> redis.asyncio.Redis:
        """The running loop's client for the server Django's client would use for this call."""
        index = self._client._get_connection_pool_index(write)
        return _loop_client((self._serial, index), self._client._servers[index], self._options)


def async_twin(alias: str) -> AsyncRedisCache | None:
    """The asyncio twin of cache ``alias``, or None if it is no plain ``RedisCache``."""
    twin = _twins.get(alias, _UNKNOWN)
    if twin is _UNKNOWN:
        twin = _twins[alias] = _make_twin(alias)
    return twin  # type: ignore[return-value]


def _make_twin(alias: str) -> AsyncRedisCache | None:
    cache = caches[alias]
    if not isinstance(cache, RedisCache):
        return None
    internals: Any = cast(Any, cache)  # _class and _options: not in django-stubs
    if internals._class is not RedisCacheClient:
        return None
    options = internals._options
    if options.get("pool_class") is not None or options.get("parser_class") is not None:
        return None
    return AsyncRedisCache(alias, cache)


_UNKNOWN = object()
_twins: dict[str, object] = {}


def _forget_twins(*, setting: str, **_: Any) -> None:
    if setting == "CACHES":  # override_settings(CACHES=...) in tests
        _twins.clear()


setting_changed.connect(_forget_twins, dispatch_uid="reference_backends.redis.twins")


# One client (and its pool) per event loop, twin and server.

_serials = itertools.count()
_lock = threading.Lock()
_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[int, int], redis.asyncio.Redis]
] = weakref.WeakKeyDictionary()


def _loop_client(key: tuple[int, int], server: str, options: dict[str, Any]) -> redis.asyncio.Redis:
    """The running loop's client ``key`` (a twin's serial, a server's index), made on first use."""
    import redis.asyncio

    loop = asyncio.get_running_loop()
    loop_clients = _clients.get(loop)
    client = None if loop_clients is None else loop_clients.get(key)
    if client is None:
        with _lock:
            if loop not in _clients:
                _clients[loop] = {}
                _disconnect_when_closed(loop)
            client = _clients[loop].setdefault(key, redis.asyncio.Redis.from_url(server, **options))
    return client


def _disconnect_when_closed(loop: asyncio.AbstractEventLoop) -> None:
    """Make ``loop.close()`` disconnect the loop's pools first: only that loop can."""
    close = loop.close

    def disconnect_then_close() -> None:
        loop_clients = _clients.pop(loop, {})
        if loop_clients and not loop.is_running() and not loop.is_closed():
            loop.run_until_complete(_disconnect(loop_clients.values()))
        close()

    # A loop whose type takes no new attributes (uvloop's) is an ASGI server's, which
    # lives as long as its process.
    with contextlib.suppress(AttributeError, TypeError):
        loop.close = disconnect_then_close  # type: ignore[method-assign]


async def _disconnect(clients: Iterable[redis.asyncio.Redis]) -> None:
    await asyncio.gather(*(client.aclose() for client in clients), return_exceptions=True)


def _forget_after_fork() -> None:
    """A forked child (gunicorn --preload) must not share its parent's connections."""
    _clients.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
