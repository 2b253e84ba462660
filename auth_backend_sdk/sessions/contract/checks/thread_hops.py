"""Thread hops: how many times each async call of a request leaves the event loop.

Reported for every call (the ledger: the ``check`` command and the pytest
plugin print it). A call on a session already loaded touches no storage and
is held to no hop at all (an override of ``__setitem__`` or ``get`` costs
none once adapted). Every other call is held to the floor of a store on
Django's sync ORM: one hop per database query its sync twin makes in the
same scenario (counted with ``CaptureQueriesContext``, transaction control
left out), and at least one. ``hop_budgets`` overrides any of them, such as
``{"asave (a session changed)": 2}``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ....engine.hops import count_hops
from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import ASYNC, SYNC
from ..async_calls import IN_MEMORY_BUDGETS, AsyncCall, async_calls, request_calls
from ..base import SessionContractBase

__all__ = ["ThreadHopChecks", "queries_of"]

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
"""Statements ``atomic()`` adds around the work, run in the same thread: not a round trip of
the store's own (a ``TestCase`` turns ``atomic()`` into savepoints, a plain test does not)."""


async def _hops_of(call: AsyncCall) -> int:
    # Other checks judge what the call returns or raises; this one counts.
    with count_hops() as hops, contextlib.suppress(Exception):
        await call()
    return hops.count


def queries_of(call: Callable[[], Any]) -> int:
    """The database queries ``call`` makes (on the default database), transaction control
    left out; what it returns or raises is other checks' business."""
    with CaptureQueriesContext(connection) as captured, contextlib.suppress(Exception):
        call()
    return sum(
        1
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    )


class ThreadHopChecks(SessionContractBase):
    @check(modes=(ASYNC,))
    def thread_hops_of_session_methods(self, mode: Any) -> None:
        """Counts thread hops of each async call: none on a loaded session, else one per query."""
        hops = {
            label: async_to_sync(_hops_of)(set_up()) for label, set_up in async_calls(self).items()
        }
        self.measurements.hops.update(hops)
        unknown = sorted(set(self.hop_budgets) - set(hops))
        if unknown:
            # A misspelt label would hold its call to no budget at all.
            raise fail(
                "hop_budgets names calls this check does not make",
                f"unknown: {', '.join(unknown)}",
                f"the calls: {', '.join(sorted(hops))}",
            )
        budgets = {
            label: max(1, queries_of(set_up()))
            for label, set_up in request_calls(self, SYNC).items()
            if label not in IN_MEMORY_BUDGETS and label not in self.hop_budgets
        }
        budgets |= {**IN_MEMORY_BUDGETS, **self.hop_budgets}
        over = [
            f"{label}: {hops[label]} hops, budget {budget}"
            for label, budget in budgets.items()
            if label in hops and hops[label] > budget
        ]
        if over:
            raise fail(
                "thread hops over budget",
                *over,
                "A call on a loaded session touches no storage: it needs no thread. Any other "
                "needs one hop per database query of its sync twin, at least one (hop_budgets "
                "overrides).",
            )
