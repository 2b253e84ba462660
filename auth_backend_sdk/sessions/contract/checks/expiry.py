"""Expiry, in each mode: ``set_expiry()``, what a session reports and stores, expired sessions.

* ``set_expiry()`` takes seconds, a ``datetime``, a ``timedelta``, ``0`` (at
  browser close) or ``None`` (the default again), and ``get_expiry_age()``,
  ``get_expiry_date()`` and ``get_expire_at_browser_close()`` answer as
  ``SessionBase`` documents, before and after a save (and the row's
  ``expire_date`` agrees, for a database store);
* a session past its expiry loads as an empty session, and its key is not
  adopted again; one a minute from expiry still loads;
* ``clear_expired()`` removes expired sessions and keeps the others.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from ....testing._reporting import fail
from ....testing.harness import HookMissing, check
from ....testing.modes import Mode
from ..base import NEAR_EXPIRY, READ_FIRST, SessionContractBase
from ..capabilities import SessionCapability
from ..comparable import EXPIRY_KEY, TOLERANCE_SECONDS, Moment

__all__ = ["ExpiryChecks", "past"]

DATA = {"user": "contract"}


def past() -> datetime:
    """A minute ago: an expiry already reached."""
    return timezone.now() - timedelta(minutes=1)


class ExpiryChecks(SessionContractBase):
    def expiry_cases(self, now: datetime) -> dict[str, tuple[Any, float, bool]]:
        """Label -> (value for set_expiry(), expected age in seconds, at browser close)."""
        cookie_age = float(settings.SESSION_COOKIE_AGE)
        return {
            "300 (seconds)": (300, 300.0, False),
            "a datetime an hour ahead": (now + timedelta(hours=1), 3600.0, False),
            "a timedelta of two hours": (timedelta(hours=2), 7200.0, False),
            "0 (at browser close)": (0, cookie_age, True),
            "None (the default)": (None, cookie_age, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE),
        }

    @check()
    def expiry_follows_set_expiry(self, mode: Mode) -> None:
        """set_expiry() with seconds, a datetime, a timedelta, 0 or None: the documented expiry."""
        now = timezone.now()
        for label, (value, age, at_close) in self.expiry_cases(now).items():
            for read_first in READ_FIRST:
                # None undoes an expiry set before: start from a session with one.
                key = self.saved_session(DATA, expiry=300 if value is None else None)
                store = self.open(mode, key, read_first)
                self.call(mode, store, "set_expiry", value)
                case = f"set_expiry({label}) ({mode.value}), store read first: {read_first}"
                self.expect_expiry(mode, store, now, age, at_close, case)
                self.call(mode, store, "save")
                again = self.new_store(store.session_key)
                self.expect_expiry(mode, again, now, age, at_close, f"{case}, saved and loaded")
                self.expect_stored_expiry(store.session_key, now + timedelta(seconds=age), case)

    def expect_expiry(
        self, mode: Mode, store: Any, now: datetime, age: float, at_close: bool, case: str
    ) -> None:
        got_age = self.call(mode, store, "get_expiry_age", modification=now)
        got_date = self.call(mode, store, "get_expiry_date", modification=now)
        got_close = self.call(mode, store, "get_expire_at_browser_close")
        problems = []
        if not isinstance(got_age, int) or abs(got_age - age) > TOLERANCE_SECONDS:
            problems.append(f"get_expiry_age() is {got_age!r}, not {age:.0f}")
        expected_date = now + timedelta(seconds=age)
        if not isinstance(got_date, datetime) or Moment(got_date) != Moment(expected_date):
            problems.append(f"get_expiry_date() is {got_date!r}, not {expected_date!r}")
        if got_close is not at_close:
            problems.append(f"get_expire_at_browser_close() is {got_close!r}, not {at_close}")
        if problems:
            raise fail(case, *problems, "(asked with modification= the time the case started)")

    def expect_stored_expiry(self, session_key: str | None, expected: datetime, case: str) -> None:
        """A database row's ``expire_date`` is the session's expiry date."""
        try:
            entry = self.stored_entry(session_key) if session_key else None
        except HookMissing:
            return  # the parity check, which needs the hook, says so
        row = (entry or {}).get("row") or {}
        stored = row.get("expire_date")
        if isinstance(stored, datetime) and Moment(stored) != Moment(expected):
            raise fail(
                f"{case}: the row's expire_date is {stored!r}, not the session's expiry "
                f"({expected!r})"
            )

    @check()
    def expired_sessions_load_empty(self, mode: Mode) -> None:
        """A session past its expiry loads empty, and its key is not adopted; a near one loads."""
        near = self.saved_session(DATA, expiry=NEAR_EXPIRY)
        expired = self.saved_session(DATA, expiry=past())
        loaded = _without_expiry(self.loaded(mode, near))
        if loaded != DATA:
            raise fail(f"a session a minute from expiry ({mode.value}) loads {loaded!r}")
        store = self.new_store(expired)
        held = self.contents(mode, store)
        self.call(mode, store, "__setitem__", "contract", "after expiry")
        self.call(mode, store, "save")
        problems = []
        if held:
            problems.append(f"it loads {held!r}")
        if store.session_key == expired:
            problems.append("a save after loading it keeps its key")
        if problems:
            raise fail(f"a session that expired a minute ago ({mode.value})", *problems)

    @check(requires={SessionCapability.SERVER_SIDE, SessionCapability.CLEAR_EXPIRED})
    def clear_expired_removes_only_expired_sessions(self, mode: Mode) -> None:
        """clear_expired() removes expired sessions and keeps live ones, near expiry or not."""
        live = {
            "far from expiry": self.saved_session(DATA),
            "a minute from expiry": self.saved_session(DATA, expiry=NEAR_EXPIRY),
        }
        expired = self.saved_session(DATA, expiry=past())
        self.call(mode, self.store_class, "clear_expired")
        problems = []
        if self.exists(expired):
            problems.append("an expired session is still there")
        for label, key in live.items():
            loaded = _without_expiry(self.loaded(mode, key))
            if not self.exists(key) or loaded != DATA:
                problems.append(f"a session {label} is gone (it loads {loaded!r})")
        if problems:
            method = mode.method_name("clear_expired", self.store_class)
            raise fail(f"{method}() ({mode.value})", *problems)


def _without_expiry(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != EXPIRY_KEY}
