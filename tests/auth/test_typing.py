"""mypy accepts correct backends and rejects wrong signatures (the Protocols have teeth)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api", reason="mypy is installed by the typecheck extra")

ROOT = Path(__file__).resolve().parent.parent.parent
CASES = Path(__file__).parent / "typing" / "cases"


def mypy_errors(case: str) -> dict[int, str]:
    stdout, _, _ = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-incremental",
            "--cache-dir",
            "/dev/null",
            str(CASES / case),
        ]
    )
    errors: dict[int, str] = {}
    for line in stdout.splitlines():
        match = re.match(rf".*{re.escape(case)}:(\d+): error: (.*)", line)
        if match:
            errors[int(match.group(1))] = match.group(2)
    return errors


@pytest.mark.slow
def test_correct_backends_type_check() -> None:
    assert mypy_errors("good.py") == {}


@pytest.mark.slow
def test_wrong_signatures_are_rejected_exactly_where_marked() -> None:
    lines = (CASES / "bad.py").read_text().splitlines()
    marked = {number for number, line in enumerate(lines, 1) if line.endswith("# error")}
    errors = mypy_errors("bad.py")
    assert set(errors) == marked, errors
    assert all("Incompatible types in assignment" in message for message in errors.values())
