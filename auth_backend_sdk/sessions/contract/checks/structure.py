"""Structure: each pair of the store has both sides, running one definition.

Read from the class with :func:`~auth_backend_sdk.describe`, no hook needed:
a sync override that its async twin bypasses (``django-user-sessions``'
``__setitem__``, which ``aset()`` skips), or a side missing. Django's own
stores keep their twins in parity (the family trusts their modules).
"""

from __future__ import annotations

from ....engine.description import describe
from ....testing._reporting import fail
from ....testing.harness import check
from ...family import SESSIONS
from ..base import SessionContractBase

__all__ = ["StructureChecks"]


class StructureChecks(SessionContractBase):
    @check(modes=())
    def each_pair_follows_one_definition(self) -> None:
        """Each pair of the store has both sides, and each side runs the same definition."""
        hazards = [
            described
            for described in describe(self.store_class).hazards
            if SESSIONS.takes_part(self.store_class, described.pair)
        ]
        if hazards:
            raise fail(
                f"{len(hazards)} of the store's pairs do not follow one definition",
                *(
                    f"{d.pair.sync_name}: {d.sync}; {d.pair.async_name}: {d.async_} ({d.verdict})"
                    for d in hazards
                ),
                "Adapt the store with dual_mode() (or put DualModeSessionMixin first in its "
                "bases), and keep its name SessionStore.",
            )
