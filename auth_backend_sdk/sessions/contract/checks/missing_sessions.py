"""Sessions that are not there, in each mode: what Django's stores do with them.

* deleting a session that is not stored (``delete(key)`` of a key nobody has,
  ``flush()`` of a session another request deleted meanwhile) is quiet, as
  every Django store's ``delete()`` is;
* ``exists()`` answers whether the store keeps something under the key, as
  Django's db store answers it: true for a session expired but still stored,
  false for a stored key in other letter case (Django's keys are lower case);
* loading a key that is not stored (unknown, of another case, invalid) stores
  nothing: no entry under that key, no new session.
"""

from __future__ import annotations

from typing import Any

from ....testing._reporting import fail, render_outcome
from ....testing.harness import check
from ....testing.modes import SYNC, Mode
from ..base import READ_FIRST, SessionContractBase, unknown_key
from ..capabilities import SessionCapability
from ..storage import model_of
from .expiry import past

__all__ = ["MissingSessionChecks"]

DATA = {"user": "contract"}


class MissingSessionChecks(SessionContractBase):
    @check()
    def deleting_a_missing_session_is_quiet(self, mode: Mode) -> None:
        """Deleting a session not stored (delete(key), flush() after a logout) raises nothing."""
        problems = []
        deleted = mode.outcome(self.new_store(None), "delete", unknown_key())
        if deleted.raised is not None:
            problems.append(f"delete(a key nobody has): {render_outcome(deleted)}")
        for read_first in READ_FIRST:
            key = self.saved_session(DATA)
            store = self.open(mode, key, read_first)
            SYNC.call(self.new_store(None), "delete", key)  # another request, a logout
            flushed = mode.outcome(store, "flush")
            if flushed.raised is not None:
                problems.append(
                    f"flush() of a session deleted meanwhile, store read first: {read_first}: "
                    f"{render_outcome(flushed)}"
                )
            elif store.session_key is not None:
                problems.append(f"flush() kept the key {store.session_key!r}")
        if problems:
            raise fail(
                f"deleting a session that is not stored ({mode.value})",
                *problems,
                "Django's stores ignore a session already gone (db: DoesNotExist, file: "
                "OSError): a logout in one tab must not fail because another tab logged out.",
            )

    @check(requires={SessionCapability.SERVER_SIDE})
    def exists_answers_for_what_is_stored(self, mode: Mode) -> None:
        """exists() is true for an expired session still stored, false for a key in other case."""
        problems = []
        expired = self.saved_session(DATA, expiry=past())
        stored = self.stored_entry(expired) is not None
        answer = mode.outcome(self.new_store(None), "exists", expired)
        if answer.raised is not None or bool(answer.value) is not stored:
            state = "still stored" if stored else "no longer stored"
            problems.append(
                f"a session expired a minute ago, {state}: exists() {render_outcome(answer)}, "
                f"Django's db store answers {stored}"
            )
        key = self.saved_session(DATA)
        if key.upper() != key:
            other_case = mode.outcome(self.new_store(None), "exists", key.upper())
            if other_case.raised is not None or other_case.value:
                problems.append(
                    f"a stored key upper-cased (a tampered cookie): exists() "
                    f"{render_outcome(other_case)}, Django's db store answers False"
                )
        if problems:
            raise fail(
                f"exists() ({mode.value})",
                *problems,
                "Django's db store asks for a row with exactly that key, expired or not: "
                "create() and cycle_key() rely on it never to reuse a key in use.",
            )

    @check()
    def loading_an_unknown_key_stores_nothing(self, mode: Mode) -> None:
        """Loading a key not stored (unknown, in other case, invalid) stores nothing, no new row."""
        keys = {
            "a key nobody has": unknown_key(),
            "a stored key upper-cased": self.saved_session(DATA).upper(),
            "an invalid key": "short7c",
        }
        model = model_of(self.store_class)
        self.added_keys()  # asked now: the default hook saves a session to find them
        problems = []
        for label, given in keys.items():
            rows = _rows(model)
            store = self.new_store(given)
            self.contents(mode, store)
            if self.stored_entry(given) is not None:
                problems.append(f"{label}: the store now keeps an entry under it")
            now = store.session_key
            if now and now != given and self.stored_entry(now) is not None:
                problems.append(f"{label}: the store saved a new session ({now[:8]}...)")
            if _rows(model) != rows:
                problems.append(f"{label}: {model._meta.label} had {rows} rows, now {_rows(model)}")
        if problems:
            raise fail(
                f"loading a key that is not stored ({mode.value})",
                *problems,
                "Django's load() of a missing session returns {} and forgets the key: "
                "SessionMiddleware saves only a session a view modified. Writing on every miss "
                "lets any client fill the store with forged cookies.",
            )


def _rows(model: Any) -> int | None:
    return None if model is None else int(model._base_manager.count())
