"""Bad input, in each mode: what a client or a view can hand a store that it must survive.

* a session key changed by one character, or upper-cased (a tampered cookie),
  loads an empty session, never another's, and is not adopted;
* keys of every wrong shape (not a string, 1000 characters, a NUL byte,
  non-ASCII, a path) load an empty session and are not adopted; a key that is
  not a string may be refused at once with ``TypeError`` or ``ValueError``;
* a one-megabyte value round-trips;
* a value the store cannot serialize raises a clear error at ``save()``, and
  the stored session is left as it was: no partial write.
"""

from __future__ import annotations

import pickle
import secrets
import threading
from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS

from ....testing._reporting import fail, render_outcome
from ....testing.harness import check
from ....testing.modes import Mode
from ..base import READ_FIRST, SessionContractBase
from ..capabilities import SessionCapability
from ..comparable import shared
from ..hooks import spoiled

__all__ = ["WRONG_KEYS", "BadInputChecks"]

DATA = {"user": "contract", "is_admin": False}

WRONG_KEYS: dict[str, Any] = {
    "an int": 12345678,
    "bytes": b"contract" + b"0" * 24,
    "1000 characters": "contract" + "a" * 992,
    "a NUL byte": "contract\x00" + "a" * 23,
    "non-ASCII": "\u00e9" * 32,  # a cookie header as WSGI and ASGI decode it: Latin-1
    "a path": "../../../../../etc/passwd",
}
"""Label to a session key no store should ever accept (the suite's own ``session_key``s)."""
REFUSALS = (TypeError, ValueError)
"""What a store may raise at once for a key that is not a string."""
SERIALIZATION_ERRORS = (TypeError, ValueError, pickle.PicklingError)


class BadInputChecks(SessionContractBase):
    @check()
    def tampered_keys_load_nothing(self, mode: Mode) -> None:
        """A session key changed by a character, or in case, loads nothing and is not adopted."""
        key = self.saved_session(DATA)
        if self.declares(SessionCapability.COOKIE_BASED):
            tampered = {"one character changed": spoiled(key)}
        else:
            tampered = {"one character changed": _next(key), "in upper case": key.upper()}
        for how, changed in tampered.items():
            store = self.new_store(changed)
            held = self.contents(mode, store)
            if held:
                raise fail(f"a session key with {how} ({mode.value}) loads {held!r}")
            self.call(mode, store, "__setitem__", "contract", "tampered")
            self.call(mode, store, "save")
            problems = []
            if store.session_key == changed:
                problems.append("a save keeps the tampered key")
            if self.loaded(mode, key) != DATA:
                problems.append("the session it was made from changed")
            if problems:
                raise fail(f"a session key with {how} ({mode.value})", *problems)

    @check()
    def wrongly_shaped_keys_are_refused(self, mode: Mode) -> None:
        """Keys of every wrong shape load an empty session and are not adopted."""
        problems = []
        for label, key in WRONG_KEYS.items():
            try:
                store = self.new_store(key)
            except REFUSALS:
                if isinstance(key, str):
                    raise
                continue  # a key that is not a string, refused at once
            loaded = mode.outcome(store, "items")
            if loaded.raised is not None:
                problems.append(f"{label}: loading it {render_outcome(loaded)}")
                continue
            if loaded.value:
                problems.append(f"{label}: it loads {dict(loaded.value)!r}")  # type: ignore[call-overload]
            self.call(mode, store, "__setitem__", "contract", "value")
            saved = mode.outcome(store, "save")
            if saved.raised is not None:
                problems.append(f"{label}: saving then {render_outcome(saved)}")
            elif not isinstance(store.session_key, str) or store.session_key == key:
                problems.append(f"{label}: a save keeps the key ({store.session_key!r})"[:120])
        if problems:
            raise fail(
                f"session keys of the wrong shape ({mode.value})",
                *problems,
                "A cookie is the client's to forge: it must give a new, empty session.",
            )

    @check()
    def huge_values_round_trip(self, mode: Mode) -> None:
        """A one-megabyte value is saved and loaded again whole."""
        value = secrets.token_hex(500_000)
        for read_first in READ_FIRST:
            store = self.open(mode, self.saved_session(DATA), read_first)
            self.call(mode, store, "__setitem__", "huge", value)
            self.call(mode, store, "save")
            loaded = self.loaded(mode, store.session_key)
            if loaded != {**DATA, "huge": value}:
                got = {
                    k: (len(v) if k == "huge" and isinstance(v, str) else v)
                    for k, v in loaded.items()
                }
                raise fail(
                    f"a one-megabyte value ({mode.value}), store read first: {read_first}",
                    f"loaded (the value's length): {got!r}",
                )

    @check()
    def unserializable_values_fail_at_save(self, mode: Mode) -> None:
        """A value the store cannot serialize raises at save(); what is stored stays as it was."""
        for read_first in READ_FIRST:
            key = self.saved_session(DATA)
            before = shared(self.stored_entry(key))
            store = self.open(mode, key, read_first)
            self.call(mode, store, "__setitem__", "lock", threading.Lock())
            outcome = mode.outcome(store, "save")
            problems = []
            if not isinstance(outcome.raised, SERIALIZATION_ERRORS):
                problems.append(f"save: {render_outcome(outcome)}")
            after = shared(self.stored_entry(key))
            if after != before:
                problems.append(f"what is stored changed: {before!r} became {after!r}"[:300])
            loaded = self.loaded(mode, key)
            if loaded != DATA:
                problems.append(f"the session now loads {loaded!r}")
            if problems:
                raise fail(
                    f"a session holding a lock ({mode.value}), store read first: {read_first}",
                    *problems,
                    "Expected: TypeError, ValueError or PicklingError from save(), and "
                    "nothing written.",
                )


def _next(key: str) -> str:
    """``key`` with its last character replaced by another a key may hold."""
    last = VALID_KEY_CHARS.index(key[-1]) if key[-1] in VALID_KEY_CHARS else 0
    return key[:-1] + str(VALID_KEY_CHARS[(last + 1) % len(VALID_KEY_CHARS)])
