"""``DualModeSessionMixin``: the engine applied to Django's session store pairs."""

from __future__ import annotations

from typing import ClassVar

from ..engine import DualMode, Family
from .family import SESSIONS

__all__ = ["DualModeSessionMixin"]


class DualModeSessionMixin(DualMode):
    """Make a session store correct in both sync and async mode.

    Put it first in the bases of a store class. For each pair
    (``load``/``aload``, ``save``/``asave``, ``__setitem__``/``aset``, ...) the
    most-derived definition in the MRO wins and the other side is derived from
    it, once, when the class is created::

        class SessionStore(DualModeSessionMixin, db.SessionStore):
            def load(self):
                data = super().load()
                if data.get("revoked"):
                    return {}  # refuse a revoked session
                return data

    ``await session.aget(...)`` now loads through this ``load`` (in a thread),
    instead of Django's ``db.SessionStore.aload``, which knows nothing of the
    check. An override of the dictionary-like API (``__setitem__``, ``get``,
    ``get_expiry_date``, ...) costs no thread hop: its async side loads the
    session asynchronously, then runs the override on the event loop: such an
    override must touch only the session's data (one doing I/O needs its async
    side written too).

    Keep the class named ``SessionStore``: Django's ``key_salt`` contains the
    class's qualified name, and a store under another name reads every
    session written before as empty (system check ``auth_backend_sdk.W105``).
    """

    __dual_mode_family__: ClassVar[Family | None] = SESSIONS
