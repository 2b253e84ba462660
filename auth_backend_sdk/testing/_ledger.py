"""Measurements the checks report besides pass/fail: hops and loop stalls per method.

Both runners read them: the pytest plugin prints them after the run, the
``check`` command puts them in its report.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["Measurements", "measurements_for", "reset"]


@dataclass
class Measurements:
    hops: dict[str, int] = field(default_factory=dict)
    """Thread hops of one cold call, by async method (and case, such as "wrong password")."""
    stalls_ms: dict[str, float] = field(default_factory=dict)
    """The longest event-loop stall one call caused, by async method, in milliseconds."""

    @property
    def worst_stall(self) -> tuple[str, float] | None:
        if not self.stalls_ms:
            return None
        method = max(self.stalls_ms, key=self.stalls_ms.__getitem__)
        return method, self.stalls_ms[method]


_lock = threading.Lock()
_by_label: dict[str, Measurements] = {}


def measurements_for(label: str) -> Measurements:
    """The measurements of the contract class labelled ``label`` (made on first use)."""
    with _lock:
        return _by_label.setdefault(label, Measurements())


def all_measurements() -> dict[str, Measurements]:
    with _lock:
        return dict(_by_label)


def reset() -> None:
    with _lock:
        _by_label.clear()
