"""The async calls a request makes on a session store, each set up fresh in sync mode.

The event-loop and thread-hop checks measure each one: a label (the async
method as the family names it, and the case, such as
``"aget (a session not loaded)"``) to a set-up that prepares the session and
the store (in sync mode, outside what is measured) and returns the call.
Calls on a session already loaded touch no storage: they must not leave the
event loop (:data:`IN_MEMORY_BUDGETS`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ...testing.modes import ASYNC
from ..family import SESSIONS
from .capabilities import SessionCapability

__all__ = ["IN_MEMORY", "IN_MEMORY_BUDGETS", "AsyncCall", "SetUp", "async_calls"]

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
    store_class = contract.store_class

    def name(sync_name: str) -> str:
        return ASYNC.method_name(sync_name, store_class)

    def on(method: str, *args: Any, loaded: bool = False, key: bool = True) -> SetUp:
        def set_up() -> AsyncCall:
            session_key = contract.saved_session({"user": "contract"}) if key else None
            store = contract.new_store(session_key)
            if loaded:
                store.get("user")
            bound = getattr(store, name(method))
            return lambda: bound(*args)

        return set_up

    def modified(*, key: bool) -> SetUp:
        def set_up() -> AsyncCall:
            store = contract.new_store(
                contract.saved_session({"user": "contract"}) if key else None
            )
            store["visits"] = 1
            return getattr(store, name("save"))  # type: ignore[no-any-return]

        return set_up

    def exists() -> AsyncCall:
        session_key = contract.saved_session({"user": "contract"})
        return lambda: getattr(contract.new_store(None), name("exists"))(session_key)

    calls: dict[str, SetUp] = {
        f"{name('get')} (a session not loaded)": on("get", "user"),
        **{
            f"{name(method)} ({LOADED})": on(method, *args, loaded=True)
            for method, args in IN_MEMORY.items()
        },
        name("exists"): exists,
        f"{name('save')} (a new session)": modified(key=False),
        f"{name('save')} (a session changed)": modified(key=True),
        name("create"): on("create", key=False),
        name("cycle_key"): on("cycle_key", loaded=True),
        name("flush"): on("flush", loaded=True),
        name("delete"): on("delete"),
    }
    if contract.declares(SessionCapability.CLEAR_EXPIRED):
        calls[name("clear_expired")] = lambda: getattr(store_class, name("clear_expired"))
    return calls
