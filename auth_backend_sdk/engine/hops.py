"""Count thread hops: asgiref ``SyncToAsync`` calls made while a block runs.

    with count_hops() as hops:
        await backend.aauthenticate(None, username="alice", password="...")
    print(hops.count)   # 2: one database round trip, one password hash

Each ``sync_to_async`` call moves work to another thread and back: the unit
of cost of async Django code built on the sync ORM (docs/explanation/threads_and_hops.md).
The count follows the context: calls made by tasks the block starts count
too, calls made by unrelated tasks running concurrently do not.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from asgiref.sync import SyncToAsync

__all__ = ["HopCount", "count_hops"]


@dataclass
class HopCount:
    """The thread hops counted so far by :func:`count_hops`; read ``count`` after the block."""

    count: int = 0


_current: contextvars.ContextVar[HopCount | None] = contextvars.ContextVar(
    "auth_backend_sdk_hops", default=None
)
_install_lock = threading.Lock()
_installed = False


def _install() -> None:
    """Wrap ``SyncToAsync.__call__`` once; outside count_hops() it costs one ContextVar read."""
    global _installed
    with _install_lock:
        if _installed:
            return
        original = SyncToAsync.__call__

        async def counting_call(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
            __traceback_hide__ = True
            counter = _current.get()
            if counter is not None:
                counter.count += 1
            return await original(self, *args, **kwargs)

        SyncToAsync.__call__ = counting_call  # type: ignore[method-assign]
        _installed = True


@contextlib.contextmanager
def count_hops() -> Iterator[HopCount]:
    """Count the ``SyncToAsync`` calls made in this context while the block runs."""
    _install()
    counter = HopCount()
    token = _current.set(counter)
    try:
        yield counter
    finally:
        _current.reset(token)
