"""Call one backend method in sync or async mode, the way Django calls it.

``Mode.ASYNC.call(backend, "has_perm", user, perm)`` runs
``async_to_sync(backend.ahas_perm)(user, perm)``: a real event loop on
another thread, with thread-sensitive work sent back to the calling thread,
so database work stays inside the test's transaction (as in Django's own
test runner).

When a side is missing, the outcome is what Django makes of it: its
``aauthenticate()`` and ``aget_user()`` crash with ``AttributeError``, while
``User.ahas_perm()`` and friends skip the backend (``hasattr`` dispatch),
which denies.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from asgiref.sync import async_to_sync

from ..engine._family import MethodPair, family_of
from ..engine._resolution import pair_named

__all__ = ["ASYNC", "SYNC", "Mode", "Outcome"]

Method = str | MethodPair
"""A method, by the sync name of a declared pair (``"authenticate"``), or a pair itself
(``MethodPair("check_password", "acheck_password")``) for methods outside every family."""


class Mode(enum.Enum):
    SYNC = "sync"
    ASYNC = "async"

    def method_name(self, method: Method, obj: object = None) -> str:
        """The name of this mode's side of ``method``.

        A sync name is looked up in the pairs of ``obj``'s family (of any
        family, without ``obj``): twin names are declared, never built.
        """
        pair = method if isinstance(method, MethodPair) else None
        if self is Mode.SYNC:
            return method if isinstance(method, str) else method.sync_name
        if pair is None:
            cls = obj if isinstance(obj, type) else type(obj)
            pair = pair_named(cls, cast(str, method))
        return pair.async_name

    def call(self, obj: object, method: Method, *args: Any, **kwargs: Any) -> Any:
        """Call the method; raise what it raises. A missing side raises ``AttributeError``."""
        bound: Callable[..., Any] = getattr(obj, self.method_name(method, obj))
        if self is Mode.ASYNC:
            return async_to_sync(bound)(*args, **kwargs)
        return bound(*args, **kwargs)

    def outcome(self, obj: object, method: Method, *args: Any, **kwargs: Any) -> Outcome:
        """What the call returned or raised, or what the library makes of a missing side."""
        name = self.method_name(method, obj)
        if not callable(getattr(obj, name, None)):
            sync_name = Mode.SYNC.method_name(method)
            family = family_of(obj if isinstance(obj, type) else type(obj))
            skipped = {} if family is None else family.when_missing
            if sync_name in skipped:
                return Outcome(
                    self,
                    name,
                    value=skipped[sync_name],
                    note=f"{name} is missing, so Django skips this backend",
                )
            return Outcome(self, name, missing=True, note=f"{name} is missing")
        return self.capture(name, lambda: self.call(obj, method, *args, **kwargs))

    def capture(self, method: str, call: Callable[[], object]) -> Outcome:
        """Run ``call`` (already in this mode) and record what it returned or raised."""
        try:
            return Outcome(self, method, value=call())
        except Exception as exc:
            return Outcome(self, method, raised=exc)

    def run(
        self, sync_function: Callable[..., Any], async_function: Callable[..., Any]
    ) -> Callable[..., Any]:
        """The function of this mode, callable from sync code."""
        if self is Mode.ASYNC:
            return async_to_sync(async_function)
        return sync_function

    def __str__(self) -> str:
        return self.value


SYNC, ASYNC = Mode.SYNC, Mode.ASYNC


@dataclass(frozen=True)
class Outcome:
    """The result of one call: a value, an exception, or a missing method."""

    mode: Mode
    method: str
    value: object = None
    raised: BaseException | None = None
    missing: bool = False
    note: str = ""

    @property
    def key(self) -> tuple[object, ...]:
        """What two outcomes must share to count as equal (users compare by primary key)."""
        if self.missing:
            return ("missing",)
        if self.raised is not None:
            return ("raised", type(self.raised))
        return ("returned", comparable(self.value))


def comparable(value: object) -> object:
    """Users by class and primary key, sets as frozensets; everything else as it is."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, set | frozenset):
        return frozenset(comparable(item) for item in value)
    pk = getattr(value, "pk", None)
    if pk is not None and hasattr(value, "get_username"):
        return ("user", type(value)._meta.label_lower, pk)  # type: ignore[attr-defined]
    return value
