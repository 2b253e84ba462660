"""Thread hops: how many times each async method leaves the event loop for a thread.

Reported for every method (the ledger; the ``check`` command and the pytest
plugin print it), asserted only against ``hop_budgets`` when the contract
sets some, such as ``{"aauthenticate": 2, "ahas_perm": 1}``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync

from ....engine.hops import count_hops
from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import ASYNC
from ..base import AuthContractBase
from ..capabilities import ANSWERS_PERMISSIONS, AUTHENTICATES, Capability
from .authentication import LoginHelpers
from .permissions import PermissionHelpers

__all__ = ["AuthenticationHopChecks", "PermissionHopChecks"]


class _HopChecks(AuthContractBase):
    def count(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
        async def call() -> None:
            # Other checks judge what the call returns or raises; this one counts.
            with count_hops() as hops, contextlib.suppress(Exception):
                await method(*args, **kwargs)
            counted.append(hops.count)

        counted: list[int] = []
        async_to_sync(call)()
        return counted[0]

    def record_and_judge(self, hops: dict[str, int]) -> None:
        self.measurements.hops.update(hops)
        over = [
            f"{label}: {hops[label]} hops, budget {budget}"
            for label, budget in self.hop_budgets.items()
            if label in hops and hops[label] > budget
        ]
        if over:
            raise fail("thread hops over budget", *over)


class AuthenticationHopChecks(_HopChecks, LoginHelpers):
    @check(any_of=AUTHENTICATES, modes=(ASYNC,))
    def thread_hops_of_login(self, mode: Any) -> None:
        """Counts thread hops of aauthenticate(); asserts hop_budgets."""
        user = self.create_user()
        calls = self.async_login_calls(self.get_backend(), user, unknown=False)
        self.count_all(calls)

    @check(requires={Capability.GET_USER}, modes=(ASYNC,))
    def thread_hops_of_get_user(self, mode: Any) -> None:
        """Counts thread hops of aget_user(); asserts hop_budgets."""
        user = self.create_user()
        self.count_all(self.async_get_user_calls(self.get_backend(), user))

    def count_all(self, calls: dict[str, Any]) -> None:
        hops = {
            label: self.count(method, *args, **kwargs)
            for label, (method, args, kwargs) in calls.items()
        }
        self.record_and_judge(hops)


class PermissionHopChecks(_HopChecks, PermissionHelpers):
    @check(any_of=ANSWERS_PERMISSIONS, modes=(ASYNC,))
    def thread_hops_of_permission_checks(self, mode: Any) -> None:
        """Counts thread hops of each cold async permission method; asserts hop_budgets."""
        user = self.create_user()
        obj = self.grant_everything(user)
        backend = self.get_backend()
        hops = {
            label: self.count(method, self.reload(user), *args)
            for label, (method, args) in self.async_permission_calls(backend, obj).items()
        }
        self.record_and_judge(hops)
