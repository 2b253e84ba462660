"""What the families' Django system checks share: the wording of their messages."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["and_join"]


def and_join(words: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
