"""The one plain-text column aligner: ``describe()``'s table and the check command's summary."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["align"]


def align(rows: Sequence[Sequence[str]], *, indent: str = "", gap: str = "  ") -> list[str]:
    """``rows`` as lines of left-aligned columns, each as wide as its widest cell.

    Every row has as many cells as the first; no line ends in spaces (the last column is
    not padded), so the text is the same in a terminal, a log and a page of the docs.
    """
    if not rows:
        return []
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append((indent + gap.join(cells)).rstrip())
    return lines
