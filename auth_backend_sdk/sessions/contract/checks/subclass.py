"""Subclass parity: a subclass overriding only sync methods is followed by async callers.

The hazard of the session family (issue 13): ``aload``, ``asave`` and the
upper API (``aget``, ``aset``, ...) are written apart from ``load``, ``save``
and ``__setitem__``, so a project's subclass overriding the sync side only is
bypassed in async. The suite subclasses the store as given, the way a
project would (a ``load()`` refusing a hijacked session, a ``save()``
recording something, a ``__setitem__`` noting each write), and checks that
each mode follows the override.

Each subclass keeps the store's ``__qualname__``: Django's ``key_salt``
contains it, and a subclass under another name could not read the store's
sessions.
"""

from __future__ import annotations

from typing import Any

from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import Mode
from ..base import READ_FIRST, SessionContractBase

__all__ = [
    "LAST_WRITTEN",
    "REFUSED",
    "SAVED_BY",
    "SubclassChecks",
    "noting_subclass",
    "recording_subclass",
    "refusing_subclass",
]

REFUSED = "contract_hijacked"
"""A session holding this key is refused by the suite's ``load()`` override."""
SAVED_BY = "contract_saved_by"
"""What the suite's ``save()`` override adds to each session it saves."""
LAST_WRITTEN = "contract_last_written"
"""Where the suite's ``__setitem__`` override notes the last key written."""


def _named(subclass: type, parent: type, name: str) -> type:
    subclass.__name__ = f"{name}({parent.__name__})"
    subclass.__qualname__ = parent.__qualname__  # Django's key_salt
    return subclass


def refusing_subclass(parent: type) -> type:
    class RefusingLoad(parent):  # type: ignore[misc]
        def load(self) -> dict[str, Any]:
            data = super().load()
            return {} if data.get(REFUSED) else data

    return _named(RefusingLoad, parent, "RefusingLoad")


def recording_subclass(parent: type) -> type:
    class RecordingSave(parent):  # type: ignore[misc]
        def save(self, must_create: bool = False) -> None:
            self._get_session(no_load=must_create)[SAVED_BY] = "save()"
            super().save(must_create)

    return _named(RecordingSave, parent, "RecordingSave")


def noting_subclass(parent: type) -> type:
    class NotingSetitem(parent):  # type: ignore[misc]
        def __setitem__(self, key: str, value: Any) -> None:
            super().__setitem__(key, value)
            self._session[LAST_WRITTEN] = key

    return _named(NotingSetitem, parent, "NotingSetitem")


class SubclassChecks(SessionContractBase):
    def as_subclass(self, subclass: type, session_key: str | None) -> Any:
        """The store ``new_store()`` makes, as an instance of ``subclass`` (of its class).

        Whatever the hook set on the instance (an IP address, a user agent) stays.
        """
        store = self.new_store(session_key)
        store.__class__ = subclass
        return store

    @check()
    def subclass_overriding_load_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync load() refuses a session refuses it in async too."""
        subclass = refusing_subclass(self.store_class)
        store = self.as_subclass(subclass, self.saved_session({REFUSED: True, "user": "other"}))
        user = self.call(mode, store, "get", "user")
        held = self.contents(mode, store)
        if user is not None or held:
            raise fail(
                f"{subclass.__name__}.load() refuses the session: its data must not be "
                f"served ({mode.value})",
                f"get('user') returned {user!r}; the store holds {held!r}",
            )

    @check()
    def subclass_overriding_save_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync save() records something records it in async too."""
        subclass = recording_subclass(self.store_class)
        for read_first in READ_FIRST:
            store = self.as_subclass(subclass, self.saved_session({"user": "contract"}))
            if read_first:
                self.call(mode, store, "get", "user")
            self.call(mode, store, "__setitem__", "visits", 1)
            self.call(mode, store, "save")
            loaded = self.loaded(mode, store.session_key)
            if loaded.get(SAVED_BY) != "save()":
                raise fail(
                    f"{subclass.__name__}.save() adds {SAVED_BY!r} to the session it saves "
                    f"({mode.value}), store read first: {read_first}",
                    f"the saved session loads {loaded!r}",
                )

    @check()
    def subclass_overriding_setitem_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync __setitem__ notes each write notes it in async too."""
        subclass = noting_subclass(self.store_class)
        for read_first in READ_FIRST:
            store = self.as_subclass(subclass, self.saved_session({"user": "contract"}))
            if read_first:
                self.call(mode, store, "get", "user")
            self.call(mode, store, "__setitem__", "visits", 1)
            noted = self.call(mode, store, "get", LAST_WRITTEN)
            self.call(mode, store, "save")
            loaded = self.loaded(mode, store.session_key)
            if noted != "visits" or loaded.get(LAST_WRITTEN) != "visits":
                method = mode.method_name("__setitem__", store)
                raise fail(
                    f"{subclass.__name__}.__setitem__ notes each key written under "
                    f"{LAST_WRITTEN!r}: {method}('visits', 1) ({mode.value}), "
                    f"store read first: {read_first}",
                    f"the store noted {noted!r}; the saved session loads {loaded!r}",
                )
