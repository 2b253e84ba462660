"""A family the engine's tests declare: ledgers, outside the core and outside Django.

Its twin names follow no rule (``__getitem__``/``alookup``,
``tally``/``tally_async``), its members are recognised by a marker rather than
by their methods, it trusts this module to keep its own twins in parity, and
it declares the defaults of ``tests.engine.late_library``, a module nothing has
imported yet when the family is declared.

Families are process-wide: the marker keeps every other test's classes out of
this one, and no sync name here is shared with another family.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import ClassVar

from auth_backend_sdk.engine import DualMode, Family, ForeignDefault, MethodPair, declare_family

__all__ = [
    "LATE_LIBRARY",
    "LATE_LIBRARY_LOADED_AT_DECLARATION",
    "LEDGERS",
    "LedgerMixin",
    "TrustedBase",
    "TrustedChild",
    "late_default_listings",
]

LATE_LIBRARY = "tests.engine.late_library"

late_default_listings: list[ModuleType] = []
"""Each module the engine asked for its defaults, in order: it must ask once, after import."""


def _late_library_defaults(module: ModuleType) -> Iterator[ForeignDefault]:
    late_default_listings.append(module)
    for holder in (module.LibraryBase, module.BridgeOnly):
        yield ForeignDefault(holder.__dict__["aweigh"], follows_twin=True, via="weigh()")


def _keeps_a_test_ledger(cls: type) -> bool:
    return getattr(cls, "keeps_test_ledger", False) is True


LEDGERS = declare_family(
    Family(
        name="test ledger",
        pairs=(
            MethodPair("weigh", "aweigh"),
            MethodPair("__getitem__", "alookup"),
            MethodPair("tally", "tally_async"),
        ),
        mixin=f"{__name__}.LedgerMixin",
        library_defaults={LATE_LIBRARY: _late_library_defaults},
        trusted_modules=(__name__,),
        is_member=_keeps_a_test_ledger,
    )
)

LATE_LIBRARY_LOADED_AT_DECLARATION = LATE_LIBRARY in sys.modules


class LedgerMixin(DualMode):
    """Put it first in a ledger's bases."""

    __dual_mode_family__: ClassVar[Family | None] = LEDGERS
    keeps_test_ledger: ClassVar[bool] = True


class TrustedBase:
    """Both sides of ``tally``, in a module the family trusts."""

    keeps_test_ledger: ClassVar[bool] = True

    def tally(self) -> int:
        return 1

    async def tally_async(self) -> int:
        return 1


class TrustedChild(TrustedBase):
    """Overrides one side only; the trusted module answers for the other."""

    def tally(self) -> int:
        return 1
