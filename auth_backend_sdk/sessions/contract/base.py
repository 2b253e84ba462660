"""What every session-store check shares: the harness, the hooks, the store named once.

:class:`SessionContractBase` is the generic
:class:`~auth_backend_sdk.testing.harness.ContractBase` with what session stores
add: the store named by ``session_store`` (the harness, and the ``check``
command, know it as ``backend``), capabilities read off the store class, the
hooks (:class:`~.hooks.SessionContractHooks`), and the small steps every check
takes in either mode (a session saved with some data, a fresh store on a key,
what a store holds).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from django.contrib.sessions.backends.base import SessionBase

from ...engine._loading import load_class
from ...testing._reporting import fail, render_outcome
from ...testing.harness import ContractBase, Inference
from ...testing.modes import ASYNC, Mode, Outcome
from .capabilities import (
    SessionCapability,
    explain_session_capabilities,
    infer_session_capabilities,
)
from .hooks import SessionContractHooks

__all__ = ["NEAR_EXPIRY", "READ_FIRST", "SessionContractBase", "unknown_key"]

NEAR_EXPIRY = timedelta(seconds=60)
"""The expiry of a session near its end (still live while a check runs)."""
READ_FIRST = (False, True)
"""Each step on a store that has loaded nothing yet, then on one that has read the session
(``SessionMiddleware`` hands a view a store that has loaded nothing)."""


class SessionContractBase(ContractBase, SessionContractHooks):
    """The base of the session-store contract (no checks of its own)."""

    session_store: ClassVar[str | type]
    """The store under test: a class, its dotted path, or a ``SESSION_ENGINE`` module."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The harness and the check command name the class under test `backend`:
        # whichever of the two names a class sets, the other follows.
        if "session_store" in vars(cls):
            cls.backend = cls.session_store
        elif "backend" in vars(cls):
            cls.session_store = cls.backend
        super().__init_subclass__(**kwargs)

    @classmethod
    def load_backend_class(cls) -> type:
        target = getattr(cls, "session_store", None) or getattr(cls, "backend", None)
        if target is None:
            raise TypeError(
                f"{cls.__qualname__} must set `session_store` to a session store class, "
                "its dotted path, or a SESSION_ENGINE module."
            )
        return load_class(target, caller=cls.__qualname__)

    @property
    def store_class(self) -> type[SessionBase]:
        store: type[SessionBase] = self.backend_class
        return store

    @classmethod
    def inferred_capabilities(cls) -> frozenset[SessionCapability]:
        return infer_session_capabilities(cls.load_backend_class())

    @classmethod
    def explain_capabilities(cls) -> tuple[Inference, ...]:
        return explain_session_capabilities(cls.load_backend_class())

    @classmethod
    def coerce_capability(cls, value: object) -> SessionCapability:
        return SessionCapability(value)

    def declares(self, capability: SessionCapability) -> bool:
        return capability in self.declared_capabilities()

    # -- steps the checks take --------------------------------------------------

    def saved_session(self, data: Mapping[str, Any], *, expiry: Any = None) -> str:
        """The key of a new session holding ``data``, saved in sync mode (the set-up)."""
        store = self.new_store(None)
        store.update(dict(data))
        if expiry is not None:
            store.set_expiry(expiry)
        store.save()
        if store.session_key is None:
            raise fail(f"{type(store).__name__}.save() left the new session without a key")
        return store.session_key

    def open(self, mode: Mode, session_key: str | None, read_first: bool) -> Any:
        """A request's store on ``session_key``, having read the session in ``mode`` or not."""
        store = self.new_store(session_key)
        if read_first:
            self.call(mode, store, "get", "contract-read")
        return store

    def call(self, mode: Mode, store: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """``method`` in ``mode``: what it returned; a failure naming the call if it raised."""
        outcome = mode.outcome(store, method, *args, **kwargs)
        if outcome.raised is not None or outcome.missing:
            raise fail(
                f"{outcome.method} ({mode.value}) failed",
                f"arguments: {_arguments(args, kwargs)}",
                f"got: {render_outcome(outcome)}",
            ) from outcome.raised
        return outcome.value

    async def async_call(self, store: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """Await the async side of ``method`` (its twin as the family declares it)."""
        return await getattr(store, ASYNC.method_name(method, store))(*args, **kwargs)

    def contents(self, mode: Mode, store: Any) -> dict[str, Any]:
        """What ``store`` holds, read in ``mode`` (``items()``; ``aitems()``), but the keys
        the store adds by itself (:meth:`keys_the_store_adds`)."""
        return self.without_added_keys(self.call(mode, store, "items"))

    def loaded(self, mode: Mode, session_key: str | None) -> dict[str, Any]:
        """What a fresh store on ``session_key`` loads in ``mode`` (see :meth:`contents`)."""
        return self.contents(mode, self.new_store(session_key))

    def without_added_keys(self, items: Any) -> dict[str, Any]:
        """``items`` (pairs, or a mapping) but the keys the store adds by itself."""
        pairs = items.items() if isinstance(items, Mapping) else items
        added = self.added_keys()
        return {key: value for key, value in pairs if key not in added}

    def added_keys(self) -> frozenset[str]:
        """:meth:`keys_the_store_adds`, asked once per test."""
        added: frozenset[str] | None = self.__dict__.get("_added_keys")
        if added is None:
            added = self.__dict__["_added_keys"] = frozenset(self.keys_the_store_adds())
        return added

    def exists(self, session_key: str) -> bool:
        """Whether the store has ``session_key``, asked in sync mode of a fresh store."""
        return bool(self.new_store(None).exists(session_key))

    def expect_equal(self, outcome: Outcome, expected: object, what: str) -> None:
        """Fail unless ``outcome`` returned ``expected``."""
        if outcome.raised is None and not outcome.missing and outcome.value == expected:
            return
        raise fail(
            f"{outcome.method} ({outcome.mode.value}): {what}",
            f"expected: {expected!r}"[:200],
            f"got:      {render_outcome(outcome)}",
        )


def unknown_key() -> str:
    """A well-formed session key nobody has: 32 of Django's key characters."""
    return "contract" + secrets.token_hex(12)


def _arguments(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> str:
    shown = [repr(a)[:60] for a in args] + [f"{k}={v!r}"[:60] for k, v in kwargs.items()]
    return ", ".join(shown) or "none"
