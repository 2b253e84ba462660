"""Every method that reaches the store, in one thread hop from async code.

Django's sync ORM and cache backends do their I/O in a thread under ASGI, so a
hop per phase of I/O is the floor. Django's own async sides often take more:
``acreate()`` looks for a free key in one hop and inserts in another,
``acycle_key()`` adds a third to delete the old row, and the ``cached_db``
store's ``asave()`` of a new session writes the cache twice.

Here the async side of each such method runs its sync twin, whole, in one step
in the ORM's thread (:mod:`auth_backend_sdk.engine.flow`), so the behaviour is
written once, by Django, and every override a subclass makes is honoured: the
session family gives a subclass's sync override an async side of its own, and
inside the step the sync methods are called through ``self`` as Django calls
them.

Two more things, found by the session contract:

* a key holding a NUL byte is refused (``_validate_session_key``), as a key
  shorter than 8 characters is: the store starts a new, empty session.
  Django's keys never hold one, and PostgreSQL refuses it in a query
  (``DataError`` escaped ``load()`` of Django's ``db`` and ``cached_db``
  stores, a 500; memcached backends raise ``InvalidCacheKey`` for it);
  ``exists()`` answers False for such a key and ``delete()`` deletes nothing,
  neither reaching the store;
* :class:`StoreInOneStep` is no ``SessionBase`` subclass at run time, only a
  mixin placed before the Django store: otherwise it would look like the
  complete store the engine extends, and the system check W105 (and the
  contract) would take its name for the key salt of the sessions to read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.sessions.backends.base import SessionBase

from auth_backend_sdk.engine.flow import Flow, InOrmThread, run_async

__all__ = ["StoreInOneStep", "holds_nul", "in_one_step"]

_T = TypeVar("_T")

if TYPE_CHECKING:
    _Store = SessionBase
else:
    _Store = object


def in_one_step(function: Callable[..., _T], *args: Any) -> Flow[_T]:
    """``function(*args)`` as one step in the ORM's thread."""
    result: _T = yield InOrmThread(function, args)
    return result


class StoreInOneStep(_Store):
    """The I/O pairs of a store: the sync side is the store's own, the async side one hop of it.

    Put it before the Django store class in the bases; both sides are defined
    here, so the session family keeps them as they are and derives only what
    a subclass overrides.
    """

    def loads_in_an_orm_step(self) -> bool:
        """Whether ``aload()`` is a step of the ORM's thread, which loading the user may share.

        The reference ``AuthenticationMiddleware`` then loads the session, the
        user and their permissions in one thread hop.
        """
        return True

    def _validate_session_key(self, key: Any) -> bool:
        # Not in django-stubs: Django's rule (a key of at least 8 characters).
        valid = bool(super()._validate_session_key(key))  # type: ignore[misc]
        return valid and not holds_nul(key)

    def load(self) -> dict[str, Any]:
        return super().load()

    async def aload(self) -> dict[str, Any]:
        return await run_async(in_one_step(StoreInOneStep.load, self))

    def exists(self, session_key: str) -> bool:
        if holds_nul(session_key):  # no key stored holds one: PostgreSQL would raise
            return False
        return super().exists(session_key)

    async def aexists(self, session_key: str) -> bool:
        return await run_async(in_one_step(StoreInOneStep.exists, self, session_key))

    def create(self) -> None:
        super().create()

    async def acreate(self) -> None:
        await run_async(in_one_step(StoreInOneStep.create, self))

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)

    async def asave(self, must_create: bool = False) -> None:
        await run_async(in_one_step(StoreInOneStep.save, self, must_create))

    def delete(self, session_key: str | None = None) -> None:
        if holds_nul(session_key):  # nothing stored under it: PostgreSQL would raise
            return
        super().delete(session_key)

    async def adelete(self, session_key: str | None = None) -> None:
        await run_async(in_one_step(StoreInOneStep.delete, self, session_key))

    def cycle_key(self) -> None:
        super().cycle_key()

    async def acycle_key(self) -> None:
        await run_async(in_one_step(StoreInOneStep.cycle_key, self))

    def flush(self) -> None:
        super().flush()

    async def aflush(self) -> None:
        await run_async(in_one_step(StoreInOneStep.flush, self))

    @classmethod
    def clear_expired(cls) -> None:
        super().clear_expired()

    @classmethod
    async def aclear_expired(cls) -> None:
        await run_async(in_one_step(super().clear_expired))


def holds_nul(key: object) -> bool:
    """Whether ``key`` holds a NUL byte: a forged cookie's, never one a store made."""
    return isinstance(key, str) and "\x00" in key
