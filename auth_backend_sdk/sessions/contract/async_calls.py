"""The async calls a request makes on a session store, each set up fresh in sync mode.

The event-loop and thread-hop checks measure each one: a label (the async
method as the family names it, and the case, such as
``"aget (a session not loaded)"``) to a set-up that prepares the session and
the store (in sync mode, outside what is measured) and returns the call.
Calls on a session already loaded touch no storage: they must not leave the
event loop (:data:`IN_MEMORY_BUDGETS`). :func:`request_calls` sets up the same
calls in either mode, under the same labels: the thread-hop check counts the
database queries of the sync twin of each call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from ...testing.modes import ASYNC, Mode
from ..family import SESSIONS
from .capabilities import SessionCapability

__all__ = [
    "IN_MEMORY",
    "IN_MEMORY_BUDGETS",
    "AsyncCall",
    "SetUp",
    "async_calls",
    "request_calls",
]

AsyncCall = Callable[[], Awaitable[Any]]
SetUp = Callable[[], AsyncCall]
"""Prepares one call (in sync mode) and returns it, ready to be awaited."""

LOADED = "a loaded session"
IN_MEMORY: dict[str, tuple[Any, ...]] = {
    "get": ("user",),
    "__setitem__": ("visits", 1),
    "items": (),
    "get_expiry_date": (),
}
"""Methods of the upper API that only touch the loaded session, with their arguments."""
IN_MEMORY_BUDGETS: dict[str, int] = {
    f"{SESSIONS.pair(name).async_name} ({LOADED})": 0 for name in IN_MEMORY
}
"""Thread hops every store is held to: none for a call on a session already loaded."""


def async_calls(contract: Any) -> dict[str, SetUp]:
    """Label -> set-up of each async call of a request on ``contract``'s store."""
    return cast("dict[str, SetUp]", request_calls(contract, ASYNC))


def request_calls(contract: Any, mode: Mode) -> dict[str, Callable[[], Callable[[], Any]]]:
    """Label -> set-up of each call of a request on ``contract``'s store, in ``mode``.

    The labels name the async side whatever the mode; in sync mode the call
    set up is the sync twin, as the family declares it.
    """
    store_class = contract.store_class

    def label(sync_name: str) -> str:
        return ASYNC.method_name(sync_name, store_class)

    def name(sync_name: str) -> str:
        return mode.method_name(sync_name, store_class)

    def on(
        method: str, *args: Any, loaded: bool = False, key: bool = True
    ) -> Callable[[], Callable[[], Any]]:
        def set_up() -> Callable[[], Any]:
            session_key = contract.saved_session({"user": "contract"}) if key else None
            store = contract.new_store(session_key)
            if loaded:
                store.get("user")
            bound = getattr(store, name(method))
            return lambda: bound(*args)

        return set_up

    def modified(*, key: bool) -> Callable[[], Callable[[], Any]]:
        def set_up() -> Callable[[], Any]:
            store = contract.new_store(
                contract.saved_session({"user": "contract"}) if key else None
            )
            store["visits"] = 1
            return getattr(store, name("save"))  # type: ignore[no-any-return]

        return set_up

    def exists() -> Callable[[], Any]:
        session_key = contract.saved_session({"user": "contract"})
        return lambda: getattr(contract.new_store(None), name("exists"))(session_key)

    calls: dict[str, Callable[[], Callable[[], Any]]] = {
        f"{label('get')} (a session not loaded)": on("get", "user"),
        **{
            f"{label(method)} ({LOADED})": on(method, *args, loaded=True)
            for method, args in IN_MEMORY.items()
        },
        label("exists"): exists,
        f"{label('save')} (a new session)": modified(key=False),
        f"{label('save')} (a session changed)": modified(key=True),
        label("create"): on("create", key=False),
        label("cycle_key"): on("cycle_key", loaded=True),
        label("flush"): on("flush", loaded=True),
        label("delete"): on("delete"),
    }
    if contract.declares(SessionCapability.CLEAR_EXPIRED):
        calls[label("clear_expired")] = lambda: getattr(store_class, name("clear_expired"))
    return calls
