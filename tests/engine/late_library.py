"""A library only ``test_families`` imports, and late: after its family declared its defaults.

``tests.engine.families_for_tests`` names this module in ``library_defaults``
without importing it; the engine must register the defaults below on its own,
the first time it looks at a class once this module is imported. Like Django's
``BaseBackend.aauthenticate``, ``aweigh`` here is a bridge that runs the sync
twin through ``self`` in a thread: it is no real definition of ``aweigh``.
"""

from __future__ import annotations

from typing import ClassVar

from asgiref.sync import sync_to_async

__all__ = ["BridgeOnly", "LibraryBase"]


class LibraryBase:
    """Ships both sides of ``weigh``: a real sync side and a bridge for the async one."""

    keeps_test_ledger: ClassVar[bool] = True

    def weigh(self, item: str) -> str:
        return f"library:{item}"

    async def aweigh(self, item: str) -> str:
        weighed: str = await sync_to_async(self.weigh)(item)
        return weighed


class BridgeOnly:
    """Ships only the bridge: the sync side is for a class later in the MRO to write."""

    keeps_test_ledger: ClassVar[bool] = True

    async def aweigh(self, item: str) -> str:
        weighed: str = await sync_to_async(self.weigh)(item)  # type: ignore[attr-defined]
        return weighed
