"""Thread hops: how many times each async call of a request leaves the event loop.

Reported for every call (the ledger: the ``check`` command and the pytest
plugin print it). A call on a session already loaded touches no storage and
is held to no hop at all (an override of ``__setitem__`` or ``get`` costs
none once adapted); other calls are held to ``hop_budgets`` where the
contract sets some, such as ``{"aget (a session not loaded)": 1, "asave (a
session changed)": 1}`` for a database store.
"""

from __future__ import annotations

import contextlib
from typing import Any

from asgiref.sync import async_to_sync

from ....engine.hops import count_hops
from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import ASYNC
from ..async_calls import IN_MEMORY_BUDGETS, AsyncCall, async_calls
from ..base import SessionContractBase

__all__ = ["ThreadHopChecks"]


async def _hops_of(call: AsyncCall) -> int:
    # Other checks judge what the call returns or raises; this one counts.
    with count_hops() as hops, contextlib.suppress(Exception):
        await call()
    return hops.count


class ThreadHopChecks(SessionContractBase):
    @check(modes=(ASYNC,))
    def thread_hops_of_session_methods(self, mode: Any) -> None:
        """Counts thread hops of each async call of a request; none on a loaded session."""
        hops = {
            label: async_to_sync(_hops_of)(set_up()) for label, set_up in async_calls(self).items()
        }
        self.measurements.hops.update(hops)
        budgets = {**IN_MEMORY_BUDGETS, **self.hop_budgets}
        over = [
            f"{label}: {hops[label]} hops, budget {budget}"
            for label, budget in budgets.items()
            if label in hops and hops[label] > budget
        ]
        if over:
            raise fail(
                "thread hops over budget",
                *over,
                "A call on a loaded session touches no storage: it needs no thread.",
            )
