"""Session stores that record which of their I/O methods the caller entered.

Only the outermost call is recorded: the reference store's ``asave()`` runs
its ``save()`` in a thread, and Django's ``save()`` of a new session calls
``create()``, which calls ``save()`` again; what counts here is the method the
middleware or the view called. Used as ``SESSION_ENGINE`` through the modules
``recording_db`` (the reference ``db`` store) and ``recording_django_db``
(Django's).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

__all__ = ["RecordingStore", "entered"]

entered: list[str] = []
"""The methods entered from outside the store, in order; clear it before a request."""

_inside: contextvars.ContextVar[bool] = contextvars.ContextVar("inside_store", default=False)


@contextlib.contextmanager
def _entering(name: str) -> Iterator[None]:
    if _inside.get():
        yield
        return
    entered.append(name)
    token = _inside.set(True)  # copied into the thread an async method hops to
    try:
        yield
    finally:
        _inside.reset(token)


class RecordingStore(SessionBase):
    """Records ``load``, ``aload``, ``save`` and ``asave``; put it first in the bases."""

    def load(self) -> dict[str, Any]:
        with _entering("load"):
            return super().load()

    async def aload(self) -> dict[str, Any]:
        with _entering("aload"):
            return await super().aload()

    def save(self, must_create: bool = False) -> None:
        with _entering("save"):
            super().save(must_create)

    async def asave(self, must_create: bool = False) -> None:
        with _entering("asave"):
            await super().asave(must_create)
