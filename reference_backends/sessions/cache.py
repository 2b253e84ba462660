"""Django's ``cache`` session engine: on Redis with no thread hop, elsewhere one per async call.

    SESSION_ENGINE = "reference_backends.sessions.cache"

Sessions are entries of the ``SESSION_CACHE_ALIAS`` cache under Django's keys
(``KEY_PREFIX`` + session key), values and expiry: Django's ``cache`` engine
reads them, and this one reads Django's.

Each method is written once, as a flow whose cache calls are effects
(:mod:`auth_backend_sdk.engine.flow`), and calls the store's other methods
through ``self`` where Django's does, so a subclass's override of either side
is honoured in both modes. The flow runs:

* in sync code, inline, through the alias's own methods;
* in async code, on a ``RedisCache`` alias, on the event loop, each cache
  call made by redis-py's asyncio client (:mod:`reference_backends._redis`):
  no thread hop at all;
* in async code, on any other alias, whole, in one step of the ORM's thread
  (:mod:`._one_step`): one thread hop per method, where Django's takes one
  per cache call.

A key holding a NUL byte (a forged cookie) starts a new session instead of
reaching the cache (Django's store passes it on, and memcached backends raise
``InvalidCacheKey``), exists nowhere and deletes nothing: see :mod:`._one_step`.
``aclear_expired()`` stays on the event loop: the cache expires sessions itself,
and Django's does nothing either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.sessions.backends import cache as django_cache
from django.contrib.sessions.backends.base import CreateError, UpdateError

from auth_backend_sdk.engine.flow import (
    Awaited,
    EachMode,
    Flow,
    InOrmThread,
    Twin,
    run_async,
    run_sync,
)
from auth_backend_sdk.sessions import DualModeSessionMixin
from auth_backend_sdk.sessions.family import SESSIONS

from .._redis import AsyncRedisCache, async_twin
from ._one_step import StoreInOneStep, holds_nul, in_one_step

__all__ = ["KEY_PREFIX", "SessionStore"]

KEY_PREFIX = django_cache.KEY_PREFIX

_T = TypeVar("_T")
_pair = SESSIONS.pair


class SessionStore(DualModeSessionMixin, StoreInOneStep, django_cache.SessionStore):
    """Django's ``cache`` store; on a ``RedisCache`` alias, native asyncio in async code."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._redis: AsyncRedisCache | None = async_twin(settings.SESSION_CACHE_ALIAS)

    def loads_in_an_orm_step(self) -> bool:
        return self._redis is None

    def load(self) -> dict[str, Any]:
        return run_sync(self._load())

    async def aload(self) -> dict[str, Any]:
        return await self._run_async(SessionStore._load, SessionStore.load)

    def exists(self, session_key: str | None) -> bool:
        return run_sync(self._exists(session_key))

    async def aexists(self, session_key: str | None) -> bool:
        return await self._run_async(SessionStore._exists, SessionStore.exists, session_key)

    def create(self) -> None:
        run_sync(self._create())

    async def acreate(self) -> None:
        await self._run_async(SessionStore._create, SessionStore.create)

    def save(self, must_create: bool = False) -> None:
        run_sync(self._save(must_create))

    async def asave(self, must_create: bool = False) -> None:
        await self._run_async(SessionStore._save, SessionStore.save, must_create)

    def delete(self, session_key: str | None = None) -> None:
        run_sync(self._delete(session_key))

    async def adelete(self, session_key: str | None = None) -> None:
        await self._run_async(SessionStore._delete, SessionStore.delete, session_key)

    def cycle_key(self) -> None:
        run_sync(self._cycle_key())

    async def acycle_key(self) -> None:
        await self._run_async(SessionStore._cycle_key, SessionStore.cycle_key)

    def flush(self) -> None:
        run_sync(self._flush())

    async def aflush(self) -> None:
        await self._run_async(SessionStore._flush, SessionStore.flush)

    @classmethod
    def clear_expired(cls) -> None:
        super().clear_expired()

    @classmethod
    async def aclear_expired(cls) -> None:
        # The cache expires entries itself: Django's clear_expired() does nothing, so
        # there is nothing to leave the event loop for (a subclass's override of
        # clear_expired() gets an async side of its own from the session family).
        super().clear_expired()  # what clear_expired() above runs

    async def _run_async(
        self,
        flow: Callable[..., Flow[_T]],
        sync_side: Callable[..., _T],
        *args: Any,
    ) -> _T:
        """``flow`` on the loop, over Redis's asyncio client; else ``sync_side`` in one step.

        Both are this class's own (not ``self.<name>``): a subclass's async override
        calling ``super()`` must not come back to itself through the sync side the
        session family derived from it.
        """
        if self._redis is not None:
            return await run_async(flow(self, *args))
        return await run_async(in_one_step(sync_side, self, *args))

    # Flows: Django's cache store and SessionBase, each method once for both modes.

    def _load(self) -> Flow[dict[str, Any]]:
        try:
            cache_key = yield from self._cache_key()
            data = yield self._cache_call("get", cache_key)
        except Exception:
            # Some backends (memcached) raise on invalid keys, and a cache may be
            # down: a new, empty session, as Django's store gives (#17810).
            data = None
        if data is not None:
            loaded: dict[str, Any] = data
            return loaded
        self._session_key = None
        return {}

    def _exists(self, session_key: str | None) -> Flow[bool]:
        if not session_key or holds_nul(session_key):  # a forged key: never stored
            return False
        found = yield self._cache_call("has_key", self.cache_key_prefix + session_key)
        return bool(found)

    def _create(self) -> Flow[None]:
        # A cache can fail silently (memcached): a collision and a missing cache look
        # alike, so Django tries many keys before giving up. So does this.
        for _attempt in range(10000):
            self._session_key = yield Twin(self, _pair("_get_new_session_key"))
            try:
                yield Twin(self, _pair("save"), (), {"must_create": True})
            except CreateError:
                continue
            self.modified = True
            return
        raise RuntimeError(
            "Unable to create a new session key. It is likely that the cache is unavailable."
        )

    def _save(self, must_create: bool) -> Flow[None]:
        if self.session_key is None:
            yield Twin(self, _pair("create"))
            return
        cache_key = yield from self._cache_key()
        if must_create:
            write = "add"
        elif (yield self._cache_call("get", cache_key)) is not None:
            write = "set"
        else:
            raise UpdateError
        data = yield Twin(self, _pair("_get_session"), (), {"no_load": must_create})
        age = yield Twin(self, _pair("get_expiry_age"))
        written = yield self._cache_call(write, cache_key, data, age)
        if must_create and not written:
            raise CreateError

    def _delete(self, session_key: str | None) -> Flow[None]:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        if holds_nul(session_key):  # a forged key: nothing stored under it
            return
        yield self._cache_call("delete", self.cache_key_prefix + session_key)

    def _cycle_key(self) -> Flow[None]:
        data = yield Twin(self, _pair("_get_session"))
        key = self.session_key
        yield Twin(self, _pair("create"))
        self._session_cache = data
        if key:
            yield Twin(self, _pair("delete"), (key,))

    def _flush(self) -> Flow[None]:
        self.clear()
        yield Twin(self, _pair("delete"))
        self._session_key = None

    def _cache_key(self) -> Flow[str]:
        """``self.cache_key`` (a property), or ``await self.acache_key()``."""
        key: str = yield EachMode(InOrmThread(_cache_key_of, (self,)), Awaited(self.acache_key))
        return key

    def _cache_call(self, name: str, *args: Any) -> InOrmThread | EachMode:
        """The alias's method ``name``; in async code on Redis, its asyncio twin's."""
        alias = self._cache  # type: ignore[attr-defined]  # Django's, not in django-stubs
        in_sync_code = InOrmThread(getattr(alias, name), args)
        if self._redis is None:
            return in_sync_code
        return EachMode(in_sync_code, Awaited(getattr(self._redis, name), args))


def _cache_key_of(store: SessionStore) -> str:
    key: str = store.cache_key
    return key
