"""mypy accepts correct backends and rejects wrong signatures (the Protocols have teeth)."""

from __future__ import annotations

import pytest

pytest.importorskip("mypy.api", reason="mypy is installed by the typecheck extra")

from .typing import marked_lines, mypy_errors


@pytest.mark.slow
def test_correct_backends_type_check() -> None:
    assert mypy_errors("good.py") == {}


@pytest.mark.slow
def test_wrong_signatures_are_rejected_exactly_where_marked() -> None:
    errors = mypy_errors("bad.py")
    assert set(errors) == marked_lines("bad.py"), errors
    assert all("Incompatible types in assignment" in message for message in errors.values())
