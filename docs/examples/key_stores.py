"""A family of our own: key stores, with a sync/async pair per operation.

It shows that a family is one declaration and a mixin, nothing in the engine:
``dual_mode()``, ``describe()`` and the engine learn the pairs from here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from auth_backend_sdk.engine import DualMode, Family, MethodPair, declare_family

KEY_STORES = declare_family(
    Family(
        name="key store",
        # Twin names are declared, not built: the async side of __setitem__ is aput.
        pairs=(
            MethodPair("fetch", "afetch"),
            MethodPair("__setitem__", "aput"),
            MethodPair("purge", "apurge"),
        ),
        mixin="docs.examples.key_stores.KeyStoreMixin",
    )
)


class KeyStoreMixin(DualMode):
    """Put it first in a key store's bases: the engine resolves the store's pairs."""

    __dual_mode_family__: ClassVar[Family | None] = KEY_STORES


class MemoryStore:
    """A key store written sync-only, as most are."""

    entries: ClassVar[dict[str, Any]] = {}

    def fetch(self, key: str) -> Any:
        return self.entries.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.entries[key] = value

    @classmethod
    def purge(cls) -> int:
        """Forget every entry; return how many there were."""
        count = len(cls.entries)
        cls.entries.clear()
        return count
