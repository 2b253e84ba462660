"""Real ``LocMemCache`` subclasses, configured as the session cache with ``override_settings``.

* :class:`CountingLocMemCache` records each write (``set``, ``add``), sync or
  async: ``BaseCache``'s ``aset()`` and ``aadd()`` call ``set()`` and ``add()``;
* :class:`FlakyLocMemCache` raises on ``get()`` while :func:`cache_failing_on_get`
  says the cache is down, as a memcached or Redis server that stops answering.

Both keep their entries where any ``LocMemCache`` of the same ``LOCATION`` keeps
them, so a session saved before the cache goes down is still there after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.core.cache.backends.locmem import LocMemCache
from django.test import override_settings

__all__ = [
    "CacheDown",
    "CountingLocMemCache",
    "FlakyLocMemCache",
    "cache_failing_on_get",
    "counted_cache_writes",
    "flaky_session_cache",
]

_LOCATION = "reference-sessions-tests"


class CacheDown(ConnectionError):
    """What the flaky cache raises while it is down."""


class CountingLocMemCache(LocMemCache):
    """A ``LocMemCache`` that records every write."""

    writes: ClassVar[list[str]] = []

    def set(self, key: str, value: Any, timeout: Any = None, version: int | None = None) -> None:
        self.writes.append(f"set {key}")
        super().set(key, value, timeout, version)

    def add(self, key: str, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        self.writes.append(f"add {key}")
        added: bool = super().add(key, value, timeout, version)
        return added


class FlakyLocMemCache(LocMemCache):
    """A ``LocMemCache`` whose ``get()`` raises :class:`CacheDown` while ``down``."""

    down: ClassVar[bool] = False

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        if self.down:
            raise CacheDown("the session cache does not answer")
        return super().get(key, default, version)


def _as_session_cache(backend: type[LocMemCache]) -> override_settings:
    path = f"{backend.__module__}.{backend.__qualname__}"
    return override_settings(CACHES={"default": {"BACKEND": path, "LOCATION": _LOCATION}})


@contextmanager
def counted_cache_writes() -> Iterator[list[str]]:
    """The session cache records its writes in the list yielded (cleared on entry)."""
    with _as_session_cache(CountingLocMemCache):
        CountingLocMemCache.writes.clear()
        yield CountingLocMemCache.writes


@contextmanager
def flaky_session_cache() -> Iterator[None]:
    """The session cache is a :class:`FlakyLocMemCache`, up for now."""
    with _as_session_cache(FlakyLocMemCache):
        yield


@contextmanager
def cache_failing_on_get() -> Iterator[None]:
    """The :class:`FlakyLocMemCache` is down in the block."""
    FlakyLocMemCache.down = True
    try:
        yield
    finally:
        FlakyLocMemCache.down = False
