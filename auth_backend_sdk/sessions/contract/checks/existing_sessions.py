"""Existing sessions stay readable, in each mode: a store deployed over the one it extends
reads the sessions that one signed.

``SessionBase.key_salt`` is ``"django.contrib.sessions."`` and the class's
``__qualname__``: a subclass under another name (or with a ``decode()`` of its
own) reads every session its base signed as empty, and logs every user out
when it is deployed. The store extended is found as the system check W105
finds it (:func:`~auth_backend_sdk.sessions._key_salt.extended_store`); else
the nearest complete store among the bases. Stores that never sign with
``key_salt`` (Django's ``cache`` and ``signed_cookies``) pass at once.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.sessions.backends.base import SessionBase

from ....testing._reporting import fail
from ....testing.harness import check
from ....testing.modes import Mode
from ..._key_salt import extended_store, ignores_key_salt, is_complete, key_salt
from ..base import SessionContractBase

__all__ = ["ExistingSessionChecks", "store_extended"]

DATA = {"user": "contract", "cart": [1, 2]}


def store_extended(store_class: type) -> type | None:
    """The store ``store_class`` extends, whose sessions it must read; ``None`` if none."""
    extended = extended_store(store_class, key_salt(store_class))
    if extended is not None:
        return extended
    return next(
        (
            klass
            for klass in store_class.__mro__[1:]
            if klass is not SessionBase and issubclass(klass, SessionBase) and is_complete(klass)
        ),
        None,
    )


class ExistingSessionChecks(SessionContractBase):
    @check()
    def sessions_of_the_extended_store_stay_readable(self, mode: Mode) -> None:
        """A session encoded by the store this one extends loads the same data in this one."""
        extended = store_extended(self.store_class)
        if extended is None or ignores_key_salt(self.store_class):
            return  # no older store's sessions, or none signed with key_salt
        encoder: Any = object.__new__(extended)  # encode() needs no session, no connection
        encoder.serializer = self.new_store(None).serializer
        encoded = cast("type[SessionBase]", extended).encode(encoder, DATA)
        saved = self.saved_session({"placeholder": True})
        key = self.tamper_with_stored_data(saved, lambda _: encoded)
        loaded = self.loaded(mode, key)
        if loaded != DATA:
            raise fail(
                f"a session {extended.__module__}.{extended.__qualname__} stored, loaded by "
                f"{self.store_class.__qualname__} ({mode.value})",
                f"stored: {DATA!r}",
                f"loaded: {loaded!r}",
                f"key salts: {key_salt(extended)!r}, then {key_salt(self.store_class)!r}. "
                "Deploying this store would log every user out.",
            )
