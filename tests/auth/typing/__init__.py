"""Run mypy on the cases in ``cases/``: the typing tests of the Protocols and of the plugin."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CASES = Path(__file__).parent / "cases"


def mypy_errors(
    case: str, *, config: Path = ROOT / "pyproject.toml", cache: Path | None = None
) -> dict[int, str]:
    """mypy's errors in ``case``, by line; fails on a crash."""
    cache_options = (
        ["--cache-dir", str(cache)] if cache else ["--no-incremental", "--cache-dir", "/dev/null"]
    )
    from mypy import api as mypy_api

    stdout, stderr, status = mypy_api.run(
        ["--config-file", str(config), *cache_options, str(CASES / case)]
    )
    assert status in (0, 1), stdout + stderr  # 2: mypy (or the plugin) crashed
    errors: dict[int, str] = {}
    for line in stdout.splitlines():
        match = re.match(rf".*{re.escape(case)}:(\d+): error: (.*)", line)
        if match:
            errors[int(match.group(1))] = match.group(2)
    return errors


def marked_lines(case: str) -> set[int]:
    lines = (CASES / case).read_text().splitlines()
    return {number for number, line in enumerate(lines, 1) if line.endswith("# error")}
