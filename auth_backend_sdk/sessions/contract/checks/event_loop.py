"""Event loop: a store's async methods never run the ORM on the loop, nor block it.

Each async call of a request (:mod:`..async_calls`) is measured with
:func:`~auth_backend_sdk.engine.loop_stall.measure_stall`, which keeps the
part of a stall the loop thread spent on the call's own work, so a busy
machine does not fail a store that never blocks. A call over
``max_loop_stall_ms`` is measured up to four times more, each on a fresh
session, and its best attempt kept. A call that reaches the ORM on the loop
raises Django's ``SynchronousOnlyOperation``: every request of the process
that uses the session fails.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.core.exceptions import SynchronousOnlyOperation

from ....engine import SyncMethodInEventLoopError
from ....engine.loop_stall import measure_stall
from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import ASYNC
from ..async_calls import AsyncCall, SetUp, async_calls
from ..base import SessionContractBase

__all__ = ["EventLoopChecks"]

ATTEMPTS = 5
SYNC_ONLY = (SynchronousOnlyOperation, SyncMethodInEventLoopError)


async def _measured(call: AsyncCall) -> tuple[float, BaseException | None]:
    """The call's stall of the loop, in ms, and what it raised."""
    raised: BaseException | None = None
    async with measure_stall() as stall:
        try:
            await call()
        except Exception as exc:  # other checks judge results; this one, the loop
            raised = exc
    return stall.blocking_ms, raised


def _sync_only(raised: BaseException | None) -> BaseException | None:
    """A ``SynchronousOnlyOperation`` (or the engine's like) in ``raised`` or its chain."""
    seen = set()
    while raised is not None and id(raised) not in seen:
        if isinstance(raised, SYNC_ONLY):
            return raised
        seen.add(id(raised))
        raised = raised.__cause__ or raised.__context__
    return None


class EventLoopChecks(SessionContractBase):
    @check(modes=(ASYNC,))
    def async_methods_leave_the_event_loop_running(self, mode: Any) -> None:
        """No async method runs sync-only code on the loop, or blocks it longer than the limit."""
        on_the_loop, over = [], []
        for label, set_up in async_calls(self).items():
            stall, raised = self.best_of(set_up)
            self.measurements.stalls_ms[label] = stall
            sync_only = _sync_only(raised)
            if sync_only is not None:
                on_the_loop.append(f"{label}: {type(sync_only).__name__}: {sync_only}")
            elif stall > self.max_loop_stall_ms:
                over.append(f"{label}: {stall:.0f} ms")
        if on_the_loop:
            raise fail(
                "async methods ran sync-only code on the event loop",
                *on_the_loop,
                "Under ASGI every request using the session fails: run it in a thread "
                "(sync_to_async), or adapt the store with dual_mode().",
            )
        if over:
            raise fail(
                f"async methods blocked the event loop longer than {self.max_loop_stall_ms:g} ms",
                *over,
                "Every other request of the process waits that long: move the work off the "
                "loop (sync_to_async, a native async client).",
            )

    def best_of(self, set_up: SetUp) -> tuple[float, BaseException | None]:
        """The stall of one call; over the limit, the best of ``ATTEMPTS`` fresh calls."""
        best, raised = async_to_sync(_measured)(set_up())
        for _ in range(ATTEMPTS - 1):
            if best <= self.max_loop_stall_ms or raised is not None:
                break
            stall, raised = async_to_sync(_measured)(set_up())
            best = min(best, stall)
        return best, raised
