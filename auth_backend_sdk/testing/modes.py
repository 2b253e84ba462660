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
from typing import Any

from asgiref.sync import async_to_sync

from ..engine._resolution import pair_named

__all__ = ["ASYNC", "SYNC", "Mode", "Outcome"]

# What Django's user-model dispatch returns for a backend lacking the method.
_SKIPPED_BY_DJANGO: dict[str, object] = {
    "get_user_permissions": frozenset(),
    "get_group_permissions": frozenset(),
    "get_all_permissions": frozenset(),
    "has_perm": False,
    "has_module_perms": False,
}


class Mode(enum.Enum):
    SYNC = "sync"
    ASYNC = "async"

    def method_name(self, obj: object, sync_name: str) -> str:
        """The name of this mode's side of the pair ``sync_name`` of ``obj``'s family."""
        if self is Mode.SYNC:
            return sync_name
        cls = obj if isinstance(obj, type) else type(obj)
        return pair_named(cls, sync_name).async_name

    def call(self, obj: object, sync_name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the method; raise what it raises. A missing side raises ``AttributeError``."""
        method: Callable[..., Any] = getattr(obj, self.method_name(obj, sync_name))
        if self is Mode.ASYNC:
            return async_to_sync(method)(*args, **kwargs)
        return method(*args, **kwargs)

    def outcome(self, obj: object, sync_name: str, *args: Any, **kwargs: Any) -> Outcome:
        """What the call returned or raised, or what Django makes of a missing side."""
        name = self.method_name(obj, sync_name)
        if not callable(getattr(obj, name, None)):
            if sync_name in _SKIPPED_BY_DJANGO:
                return Outcome(
                    self,
                    name,
                    value=_SKIPPED_BY_DJANGO[sync_name],
                    note=f"{name} is missing, so Django skips this backend",
                )
            return Outcome(self, name, missing=True, note=f"{name} is missing")
        return self.capture(name, lambda: self.call(obj, sync_name, *args, **kwargs))

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
