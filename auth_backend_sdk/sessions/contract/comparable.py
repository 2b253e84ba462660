"""Session values as both modes can share them: times as "about this far from now".

Each mode runs on a session of its own, a moment after the other: the
expiry a session stores (``_session_expiry`` as an ISO string, a row's
``expire_date``, a ``created_at`` column) differs by that moment. Times
are compared as :class:`Moment`\\s, equal within :data:`TOLERANCE_SECONDS`: a
store that drops an expiry, keeps the default one, or shifts it by a time
zone is still told apart.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

__all__ = ["EXPIRY_KEY", "TOLERANCE_SECONDS", "Moment", "Seconds", "shared"]

EXPIRY_KEY = "_session_expiry"
"""Where ``set_expiry()`` keeps a custom expiry in the session."""
TOLERANCE_SECONDS = 10.0


class Moment:
    """A time, as seconds from when it was read; equal to another within the tolerance."""

    __slots__ = ("seconds",)

    def __init__(self, when: datetime.datetime) -> None:
        now = timezone.now() if timezone.is_aware(when) else datetime.datetime.now()
        self.seconds = (when - now).total_seconds()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Moment):
            return NotImplemented
        return abs(self.seconds - other.seconds) <= TOLERANCE_SECONDS

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        sign = "+" if self.seconds >= 0 else "-"
        return f"<now {sign} {abs(self.seconds):.0f} s>"


class Seconds:
    """A number of seconds (an expiry age); equal to another within the tolerance."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Seconds):
            return NotImplemented
        return abs(self.value - other.value) <= TOLERANCE_SECONDS

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<about {self.value} s>"


def shared(value: Any) -> Any:
    """``value`` with every time in it as a :class:`Moment` (``_session_expiry`` too)."""
    if isinstance(value, datetime.datetime):
        return Moment(value)
    if isinstance(value, dict):
        return {key: _shared_item(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [shared(item) for item in value]
    return value


def _shared_item(key: object, value: Any) -> Any:
    if key == EXPIRY_KEY and isinstance(value, str):
        try:
            return Moment(datetime.datetime.fromisoformat(value))
        except ValueError:
            return value
    return shared(value)
