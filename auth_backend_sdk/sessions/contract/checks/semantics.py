"""Django's session semantics, in each mode: what ``SessionBase`` documents for every store.

* what one request saves, the next loads on its key (near and far from expiry),
  and a store saved untouched (``SESSION_SAVE_EVERY_REQUEST``) keeps it;
* a new session gets a fresh key when first saved, of Django's shape (32 of
  ``VALID_KEY_CHARS``: lower case and digits) in both modes, and a key nobody has
  is never adopted (session fixation);
* ``save(must_create=True)`` refuses a key in use with ``CreateError``;
* ``cycle_key()`` keeps the data under a new key, and the old key is gone;
* ``flush()`` empties the session and deletes it;
* keys Django calls invalid (``None``, empty, shorter than 8) start a new session.

Each check runs on a store read before it is changed and on one that is not
(``SessionMiddleware`` hands views a store that has loaded nothing yet).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError

from ....testing._reporting import fail, render_outcome
from ....testing.harness import check
from ....testing.modes import Mode
from ..base import NEAR_EXPIRY, READ_FIRST, SessionContractBase, unknown_key
from ..capabilities import SessionCapability

__all__ = ["KEY_LENGTH", "VALUES", "SemanticsChecks"]

KEY_LENGTH = 32
"""The length of the keys ``SessionBase._get_new_session_key()`` makes."""

VALUES: dict[str, Any] = {
    "text": "caf\u00e9 \u2603",
    "number": 42,
    "fraction": 0.5,
    "flag": True,
    "nothing": None,
    "list": [1, "two", [3]],
    "mapping": {"nested": {"deeper": [True, None]}},
}
"""What a JSON-serialized session holds, of each kind."""


class SemanticsChecks(SessionContractBase):
    @check()
    def saved_data_loads_on_its_key(self, mode: Mode) -> None:
        """What a store saves, a fresh store on its key loads, near and far from expiry."""
        for expiry in (None, NEAR_EXPIRY):
            for read_first in READ_FIRST:
                store = self.open(mode, None, read_first)
                for name, value in VALUES.items():
                    self.call(mode, store, "__setitem__", name, value)
                if expiry is not None:
                    self.call(mode, store, "set_expiry", expiry)
                if not store.modified:
                    raise fail(
                        f"{mode.method_name('__setitem__', store)}() ({mode.value}) left the "
                        "store unmodified: SessionMiddleware saves only a modified session",
                        f"store read first: {read_first}",
                    )
                self.call(mode, store, "save")
                got = self.loaded(mode, store.session_key)
                got.pop("_session_expiry", None)
                if got != VALUES:
                    raise fail(
                        f"a session saved and loaded again ({mode.value}) lost or changed data",
                        f"expiry: {expiry or 'the default'}; store read first: {read_first}",
                        f"saved:  {VALUES!r}",
                        f"loaded: {got!r}",
                    )
                again = self.new_store(store.session_key)
                for name, value in VALUES.items():
                    outcome = mode.outcome(again, "get", name)
                    self.expect_equal(outcome, value, f"the value saved under {name!r}")
        # SESSION_SAVE_EVERY_REQUEST: SessionMiddleware saves a store nothing read or changed.
        key = self.saved_session(VALUES)
        self.call(mode, self.new_store(key), "save")
        got = self.loaded(mode, key)
        if got != VALUES:
            raise fail(
                f"a store saved untouched ({mode.value}), as with SESSION_SAVE_EVERY_REQUEST, "
                "changed the session",
                f"saved:  {VALUES!r}",
                f"loaded: {got!r}",
            )

    @check()
    def first_save_makes_a_new_key(self, mode: Mode) -> None:
        """A new session gets a fresh key of Django's shape; a key nobody has is never adopted."""
        for given in (None, unknown_key()):
            for read_first in READ_FIRST:
                store = self.open(mode, given, read_first)
                self.call(mode, store, "__setitem__", "contract", "value")
                self.call(mode, store, "save")
                key = store.session_key
                problems = []
                if not isinstance(key, str) or len(key) < 8:
                    problems.append(f"the saved session's key is {key!r}")
                elif key == given:
                    problems.append("the store adopted the key the client made up")
                elif not self.declares(SessionCapability.COOKIE_BASED) and not _django_shaped(key):
                    problems.append(
                        f"the key {key!r} is not {KEY_LENGTH} of Django's VALID_KEY_CHARS "
                        "(lower case and digits: keys must not depend on letter case)"
                    )
                elif self.declares(SessionCapability.SERVER_SIDE):
                    if not self.call(mode, self.new_store(None), "exists", key):
                        problems.append("exists() does not find the saved session")
                    if given is not None and self.exists(given):
                        problems.append("a session now exists under the key the client made up")
                if problems:
                    start = "no key" if given is None else "a key nobody has"
                    raise fail(
                        f"save() ({mode.value}) of a new session, from {start}, "
                        f"store read first: {read_first}",
                        *problems,
                    )

    @check(requires={SessionCapability.SERVER_SIDE})
    def must_create_refuses_a_key_in_use(self, mode: Mode) -> None:
        """save(must_create=True) on a key in use raises CreateError and changes nothing."""
        for read_first in READ_FIRST:
            key = self.saved_session({"owner": "first"})
            store = self.open(mode, key, read_first)
            self.call(mode, store, "__setitem__", "owner", "second")
            outcome = mode.outcome(store, "save", must_create=True)
            if not isinstance(outcome.raised, CreateError):
                raise fail(
                    f"{outcome.method}(must_create=True) ({mode.value}) on a key in use, "
                    f"store read first: {read_first}",
                    f"got: {render_outcome(outcome)}",
                    "Django's create() retries on CreateError: anything else ends the request, "
                    "and a success overwrites another session.",
                )
            got = self.loaded(mode, key)
            if got != {"owner": "first"}:
                raise fail(
                    f"a refused save(must_create=True) ({mode.value}) changed the session",
                    f"loaded: {got!r}",
                )

    @check()
    def cycle_key_keeps_the_data_under_a_new_key(self, mode: Mode) -> None:
        """cycle_key() keeps the data under a new key; the old key is gone."""
        data = {"cart": [1, 2], "user": "contract"}
        server_side = self.declares(SessionCapability.SERVER_SIDE)
        for read_first in READ_FIRST:
            old = self.saved_session(data)
            store = self.open(mode, old, read_first)
            self.call(mode, store, "cycle_key")
            held = self.contents(mode, store)
            modified = store.modified
            self.call(mode, store, "save")
            new = store.session_key
            problems = []
            if not modified:
                problems.append(
                    "the store is not marked modified: SessionMiddleware would not save it"
                )
            if held != data:
                problems.append(f"the store holds {held!r} after cycle_key()")
            if server_side and new == old:
                problems.append("the key did not change")
            loaded = self.loaded(mode, new)
            if loaded != data:
                problems.append(f"the new key loads {loaded!r}")
            if server_side:
                if self.exists(old):
                    problems.append("the old key still exists")
                if self.loaded(mode, old):
                    problems.append("the old key still loads the session")
            if problems:
                raise fail(
                    f"cycle_key() ({mode.value}), store read first: {read_first}",
                    f"data: {data!r}",
                    *problems,
                )

    @check()
    def flush_empties_and_deletes(self, mode: Mode) -> None:
        """flush() empties the session, forgets its key, and deletes it from the store."""
        for read_first in READ_FIRST:
            key = self.saved_session({"user": "contract"})
            store = self.open(mode, key, read_first)
            self.call(mode, store, "flush")
            problems = []
            if store.session_key is not None:
                problems.append(f"the store kept the key {store.session_key!r}")
            held = self.contents(mode, store)
            if held:
                problems.append(f"the store still holds {held!r}")
            if self.declares(SessionCapability.SERVER_SIDE):
                if self.exists(key):
                    problems.append("the session still exists")
                if self.loaded(mode, key):
                    problems.append("its key still loads the data")
            if problems:
                raise fail(f"flush() ({mode.value}), store read first: {read_first}", *problems)

    @check()
    def invalid_keys_start_a_new_session(self, mode: Mode) -> None:
        """Keys Django calls invalid (None, empty, under 8 characters) start a new session."""
        for given in (None, "", "short7c"):
            store = self.new_store(given)
            problems = []
            if store.session_key is not None:
                problems.append(f"session_key is {store.session_key!r}, not None")
            held = self.contents(mode, store)
            if held:
                problems.append(f"the store holds {held!r}")
            self.call(mode, store, "__setitem__", "contract", "value")
            self.call(mode, store, "save")
            key = store.session_key
            if not isinstance(key, str) or len(key) < 8 or key == given:
                problems.append(f"save() gave the key {key!r}")
            if problems:
                raise fail(
                    f"a store made with the key {given!r} ({mode.value})",
                    *problems,
                    "Django's _validate_session_key() sets a key that is not at least "
                    "8 characters to None.",
                )


def _django_shaped(key: str) -> bool:
    return len(key) == KEY_LENGTH and set(key) <= set(VALID_KEY_CHARS)
