"""Corrupted data, in each mode: a session whose signature fails loads empty, and is logged.

``SessionBase.decode()`` turns data whose signature does not hold into an
empty session and logs a warning on ``django.security.SuspiciousSession``:
data changed in the store (a row, a file) or by the client (a signed
cookie), by one character or replaced by garbage, must never be served, and
a site's security logs must see it.
"""

from __future__ import annotations

from collections.abc import Callable

from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import Mode
from ..base import SessionContractBase
from ..capabilities import SessionCapability
from ..hooks import spoiled
from ..logs import SUSPICIOUS_SESSION, logged

__all__ = ["CorruptedDataChecks"]

DATA = {"user": "contract", "is_admin": False}
CORRUPTIONS: dict[str, Callable[[str], str]] = {
    "one character changed": spoiled,
    "replaced by garbage": lambda data: "not-a-signed-session",
}


class CorruptedDataChecks(SessionContractBase):
    @check(requires={SessionCapability.ENCODED_DATA})
    def tampered_data_loads_empty_and_is_logged(self, mode: Mode) -> None:
        """Stored data whose signature fails loads as an empty session, logged as suspicious."""
        for how, spoil in CORRUPTIONS.items():
            key = self.tamper_with_stored_data(self.saved_session(DATA), spoil)
            with logged(SUSPICIOUS_SESSION) as records:
                held = self.loaded(mode, key)
            problems = []
            if held:
                problems.append(f"it loads {held!r}")
            if not records:
                problems.append(f"nothing was logged on {SUSPICIOUS_SESSION}")
            if problems:
                raise fail(
                    f"a session whose stored data was {how} ({mode.value})",
                    *problems,
                    "SessionBase.decode() returns {} and logs 'Session data corrupted'.",
                )
