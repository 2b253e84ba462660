"""Malformed credential values, each carrying a marker so that a leak is easy to find."""

from __future__ import annotations

from typing import Any

__all__ = ["BAD_VALUES", "MARK"]

MARK = "s3cr3t-\u2603"
"""Every bad value below that can carry text contains this."""

BAD_VALUES: dict[str, Any] = {
    "none": None,
    "empty": "",
    "int": 4242,
    "bytes": MARK.encode(),
    "list": [MARK],
    "dict": {"password": MARK},
    "one megabyte": MARK + "x" * 1_000_000,
    "nul byte": f"{MARK}\x00admin",
    "lone surrogate": f"{MARK}\ud800",
    "whitespace": " \t\n ",
    "look-alike": "\u0430lice",  # Cyrillic a
}
"""Label to value: types Django never sends, sizes, bytes a database refuses, look-alikes."""
