"""pytest plugin (registered by entry point): contract classes run under pytest as they are.

* A contract class that is not a ``unittest.TestCase`` gets database access
  (pytest-django's ``django_db`` mark) and its ``expected_failures`` become
  strict ``xfail`` marks; ``TestCase`` classes already have both.
* Fixture ``backend_mode``: runs a test once per mode; ``backend_mode.call(
  backend, "has_perm", user, perm)`` calls ``has_perm`` or awaits ``ahas_perm``.
* After the run: thread hops and event-loop stalls per contract class.

Nothing here imports Django: pytest loads plugins before settings exist.
"""

from __future__ import annotations

import unittest
from typing import Any

import pytest

from .ledger import all_measurements
from .modes import ASYNC, SYNC, Mode

__all__ = ["backend_mode"]


@pytest.fixture(params=[SYNC, ASYNC], ids=str)
def backend_mode(request: pytest.FixtureRequest) -> Mode:
    """The mode to run this test in: ``sync`` then ``async``."""
    mode: Mode = request.param
    return mode


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    contract_base = _contract_base()
    if contract_base is None:
        return
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is None or not issubclass(cls, contract_base) or issubclass(cls, unittest.TestCase):
            continue
        if config.pluginmanager.hasplugin("django"):
            item.add_marker(pytest.mark.django_db)
        reason = cls.expected_failures.get(item.name.partition("[")[0])
        if reason is not None:
            item.add_marker(pytest.mark.xfail(strict=True, reason=reason))


def _contract_base() -> Any:
    # Contract classes exist only if a test module imported them; don't import Django here.
    import sys

    base = sys.modules.get("auth_backend_sdk.testing.base")
    return None if base is None else base.ContractBase


def pytest_terminal_summary(terminalreporter: Any) -> None:
    measured = {label: m for label, m in all_measurements().items() if m.hops or m.stalls_ms}
    if not measured:
        return
    terminalreporter.section("auth-backend-sdk contract measurements")
    for label, measurements in measured.items():
        terminalreporter.write_line(label)
        if measurements.hops:
            hops = " | ".join(f"{k} {v}" for k, v in measurements.hops.items())
            terminalreporter.write_line(f"  thread hops: {hops}")
        worst = measurements.worst_stall
        if worst is not None:
            terminalreporter.write_line(f"  worst event-loop stall: {worst[1]:.1f} ms ({worst[0]})")
