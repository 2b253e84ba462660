"""Isolation: two sessions never see each other's data, one request after another or at once.

A store class serves every request of a process: nothing of one session
may live on the class, a module or a shared cache entry where another
session's store finds it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync

from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import ASYNC, Mode
from ..base import SessionContractBase

__all__ = ["IsolationChecks"]

CONCURRENT_SESSIONS = 6


class IsolationChecks(SessionContractBase):
    @check()
    def sessions_never_see_each_other(self, mode: Mode) -> None:
        """Two sessions keep their own data, through saves, cycle_key() and flush()."""
        first, second = self.new_store(None), self.new_store(None)
        for name, store in (("first", first), ("second", second)):
            self.call(mode, store, "__setitem__", "owner", name)
            self.call(mode, store, "save")
        self.call(mode, first, "cycle_key")
        self.call(mode, first, "save")
        problems = []
        if first.session_key == second.session_key:
            problems.append(f"both were saved under the key {first.session_key!r}")
        for name, store in (("first", first), ("second", second)):
            loaded = self.loaded(mode, store.session_key)
            if loaded != {"owner": name}:
                problems.append(f"the {name} session loads {loaded!r}")
        self.call(mode, first, "flush")
        if self.loaded(mode, second.session_key) != {"owner": "second"}:
            problems.append("flushing the first session changed the second")
        if problems:
            raise fail(f"two sessions ({mode.value})", *problems)

    @check(modes=(ASYNC,))
    def concurrent_sessions_stay_apart(self, mode: Mode) -> None:
        """Sessions written and read by concurrent requests each keep their own data."""
        stores = [self.new_store(None) for _ in range(CONCURRENT_SESSIONS)]
        self.added_keys()  # asked now: it uses the ORM, which the event loop may not

        async def request(number: int, store: Any) -> dict[str, Any]:
            await self.async_call(store, "__setitem__", "owner", number)
            await self.async_call(store, "save")
            fresh = self.new_store(store.session_key)
            return self.without_added_keys(await self.async_call(fresh, "items"))

        async def all_at_once() -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(request(n, s) for n, s in enumerate(stores))))

        seen = async_to_sync(all_at_once)()
        keys = {store.session_key for store in stores}
        problems = [
            f"request {number} loads {loaded!r}"
            for number, loaded in enumerate(seen)
            if loaded != {"owner": number}
        ]
        if len(keys) != len(stores):
            problems.append(f"{len(stores)} new sessions got {len(keys)} keys")
        if problems:
            raise fail(f"{len(stores)} concurrent requests, each on a new session", *problems)
