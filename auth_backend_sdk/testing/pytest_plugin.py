"""pytest plugin (registered by entry point): contract classes run under pytest as they are.

* A contract class that is not a ``unittest.TestCase`` gets database access
  (pytest-django's ``django_db`` mark) and its ``expected_failures`` become
  strict ``xfail`` marks; ``TestCase`` classes already have both.
* Fixture ``backend_mode``: runs a test once per mode; ``backend_mode.call(
  backend, "has_perm", user, perm)`` calls ``has_perm`` or awaits ``ahas_perm``.
* What pytest prints about a contract test (the failure, captured output and
  logs) shows no password: the suite's frames are shown without their
  arguments and locals, which hold credentials (and which pytest cuts short,
  past masking), and the rest is masked
  (:func:`~auth_backend_sdk.testing.masking.mask`).
* After the run: thread hops and event-loop stalls per contract class, as the
  ``check`` command's report prints them (:mod:`~auth_backend_sdk.testing._report`).

Nothing here imports Django: pytest loads plugins before settings exist.
"""

from __future__ import annotations

import unittest
from collections.abc import Generator
from typing import Any

import pytest

from ._ledger import all_measurements
from ._report import measurement_lines
from .masking import contains_secret, mask
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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # tryfirst: the outermost wrapper, so this runs after others added their sections.
    report = yield
    secrets = _secrets_of(item)
    if secrets:
        _mask_report(report, secrets)
    return report


def _secrets_of(item: pytest.Item) -> tuple[str, ...]:
    contract_base = _contract_base()
    cls = getattr(item, "cls", None)
    if contract_base is None or cls is None or not issubclass(cls, contract_base):
        return ()
    # Asked of the test's own instance at each report: secrets() may be
    # overridden, and may name what setUp() made.
    instance = getattr(item, "instance", None)
    if instance is not None:
        return tuple(instance.known_secrets())
    return tuple(secret for secret in cls.default_secrets(cls) if secret)


def _mask_report(report: pytest.TestReport, secrets: tuple[str, ...]) -> None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        path, line, reason = longrepr
        report.longrepr = (path, line, mask(reason, secrets))
    elif isinstance(longrepr, str):
        report.longrepr = mask(longrepr, secrets)
    elif longrepr is not None:
        _drop_arguments_and_locals(longrepr)
        text = str(longrepr)
        if contains_secret(text, secrets):
            report.longrepr = mask(text, secrets)
    report.sections = [(title, mask(content, secrets)) for title, content in report.sections]


def _drop_arguments_and_locals(longrepr: object) -> None:
    chain = getattr(longrepr, "chain", None) or [(getattr(longrepr, "reprtraceback", None),)]
    for reprtraceback, *_ in chain:
        for entry in getattr(reprtraceback, "reprentries", ()):
            if hasattr(entry, "reprfuncargs"):
                entry.reprfuncargs = None
            if hasattr(entry, "reprlocals"):
                entry.reprlocals = None


def _contract_base() -> Any:
    # Contract classes exist only if a test module imported them; don't import Django here.
    import sys

    base = sys.modules.get("auth_backend_sdk.testing.harness")
    return None if base is None else base.ContractBase


def pytest_terminal_summary(terminalreporter: Any) -> None:
    measured = {label: m for label, m in all_measurements().items() if m.hops or m.stalls_ms}
    if not measured:
        return
    terminalreporter.section("auth-backend-sdk contract measurements")
    for label, measurements in measured.items():
        terminalreporter.write_line(label)
        for line in measurement_lines(measurements, indent="  "):
            terminalreporter.write_line(line)
