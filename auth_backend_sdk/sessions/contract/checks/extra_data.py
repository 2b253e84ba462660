"""Extra data: a store that records a user, an IP address or a user agent records them alike.

django-qsessions records the user, IP address and user agent in columns of
its own, django-user-sessions the user; each fills them from its sync
methods (``save()``, ``create_model_instance()``, ``__setitem__``), which
their async twins bypass unless adapted. Each mode makes the same requests,
and what the store keeps (``stored_entry()``) is compared:

* a login on a new session (``alogin()`` sets the user's keys with ``aset()``);
* a login on a saved session, as ``login()`` makes it: ``cycle_key()``, then the keys;
* the next request of a logged-in session, saved if it changed (a store that
  refreshes what it records on reads marks the session modified).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import ASYNC, SYNC, Mode
from ..base import SessionContractBase
from ..capabilities import SessionCapability
from ..comparable import shared

__all__ = ["ExtraDataChecks"]


class ExtraDataChecks(SessionContractBase):
    @check(requires={SessionCapability.EXTRA_DATA}, modes=())
    def extra_data_is_recorded_alike(self) -> None:
        """A login, and the request after it, leave the same row in both modes (user, IP, ...)."""
        login = self.login_data()
        cases: dict[str, Callable[[Mode], Any]] = {
            "a login on a new session": lambda mode: self.log_in(mode, None, login),
            "a login on a saved session": lambda mode: self.log_in(
                mode, self.saved_session({"cart": [1]}), login
            ),
            "the next request after a login": lambda mode: self.next_request(
                mode, self.saved_session(login)
            ),
        }
        for label, request in cases.items():
            sync, async_ = request(SYNC), request(ASYNC)
            if sync != async_:
                raise fail(
                    f"parity: {label} leaves another record in async mode",
                    f"sync:  {sync!r}"[:500],
                    f"async: {async_!r}"[:500],
                    "What the store records beside the session (stored_entry()) must not "
                    "depend on the mode.",
                )

    def log_in(self, mode: Mode, session_key: str | None, login: dict[str, Any]) -> object:
        store = self.new_store(session_key)
        if session_key is not None:
            self.call(mode, store, "get", "cart")
            self.call(mode, store, "cycle_key")
        for key, value in login.items():
            self.call(mode, store, "__setitem__", key, value)
        self.call(mode, store, "save")
        return shared(self.stored_entry(store.session_key)) if store.session_key else None

    def next_request(self, mode: Mode, session_key: str) -> object:
        store = self.new_store(session_key)
        self.call(mode, store, "items")
        modified = store.modified
        if modified:  # SessionMiddleware saves a modified session
            self.call(mode, store, "save")
        return {"modified": modified, "stored": shared(self.stored_entry(session_key))}
