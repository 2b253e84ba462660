"""Requests that overlap on one session: no crash, no corruption, the last write wins.

Two requests of one browser carry the same cookie: each makes its store on
the key, reads, writes and saves. Sessions are not merged: the one saved
last is what the next request loads, whole, never a mix of both. A session
one request deleted (a logout) is not brought back by the other's save:
Django's stores raise ``UpdateError``, which ``SessionMiddleware`` turns into
``SessionInterrupted``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.sessions.backends.base import UpdateError

from ....testing._reporting import fail, render_outcome
from ....testing.harness import check
from ....testing.modes import ASYNC, Mode
from ..base import READ_FIRST, SessionContractBase
from ..capabilities import SessionCapability

__all__ = ["ConcurrencyChecks"]

DATA = {"user": "contract"}
CONCURRENT_REQUESTS = 4


class ConcurrencyChecks(SessionContractBase):
    @check()
    def overlapping_requests_last_write_wins(self, mode: Mode) -> None:
        """Two requests on one session, saving one after the other: the last save wins, whole."""
        for second_reads_first in READ_FIRST:
            key = self.saved_session(DATA)
            first, second = self.new_store(key), self.new_store(key)
            self.call(mode, first, "get", "user")
            if second_reads_first:
                self.call(mode, second, "get", "user")
            self.call(mode, first, "__setitem__", "first", 1)
            self.call(mode, first, "save")
            self.call(mode, second, "__setitem__", "second", 2)
            last_view = self.contents(mode, second)
            self.call(mode, second, "save")
            loaded = self.loaded(mode, second.session_key)
            if loaded != last_view:
                raise fail(
                    f"two requests on one session ({mode.value}), the second read the "
                    f"session {'before' if second_reads_first else 'after'} the first saved",
                    f"the second saved {last_view!r}",
                    f"the session loads {loaded!r}",
                )

    @check(requires={SessionCapability.SERVER_SIDE})
    def saving_a_session_deleted_meanwhile_is_refused(self, mode: Mode) -> None:
        """A request saving a session another request flushed raises UpdateError: no revival."""
        key = self.saved_session(DATA)
        logging_out, other = self.new_store(key), self.new_store(key)
        self.call(mode, other, "get", "user")
        self.call(mode, logging_out, "flush")
        self.call(mode, other, "__setitem__", "visits", 1)
        outcome = mode.outcome(other, "save")
        problems = []
        if not isinstance(outcome.raised, UpdateError):
            problems.append(f"the other request's save: {render_outcome(outcome)}")
        if self.exists(key) or self.loaded(mode, key):
            problems.append("the flushed session is back")
        if problems:
            raise fail(
                f"a session flushed by one request while another had it loaded ({mode.value})",
                *problems,
                "A logout in one tab must not be undone by a request of another.",
            )

    @check(requires={SessionCapability.SERVER_SIDE}, modes=(ASYNC,))
    def concurrent_requests_keep_one_whole_session(self, mode: Mode) -> None:
        """Concurrent requests on one session: none fails, and one request's whole view is kept."""
        key = self.saved_session(DATA)
        stores = [self.new_store(key) for _ in range(CONCURRENT_REQUESTS)]
        self.added_keys()  # asked now: it uses the ORM, which the event loop may not

        async def request(number: int, store: Any) -> dict[str, Any]:
            await self.async_call(store, "get", "user")
            await self.async_call(store, "__setitem__", f"request {number}", number)
            view = self.without_added_keys(await self.async_call(store, "items"))
            await self.async_call(store, "save")
            return view

        async def all_at_once() -> list[Any]:
            requests = (request(n, store) for n, store in enumerate(stores))
            return list(await asyncio.gather(*requests, return_exceptions=True))

        outcomes = async_to_sync(all_at_once)()
        problems = [
            f"request {number}: raised {type(result).__name__}: {result}"
            for number, result in enumerate(outcomes)
            if isinstance(result, BaseException)
        ]
        loaded = self.loaded(mode, key)
        if loaded not in outcomes:
            problems.append(f"the session loads {loaded!r}, which no request saved")
        if problems:
            raise fail(f"{len(stores)} concurrent requests on one session", *problems)
