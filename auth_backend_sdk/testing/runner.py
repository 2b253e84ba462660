"""Run the contract against backends programmatically and collect a report per backend.

The ``check`` command is a thin shell around :func:`plan_contracts` and
:func:`run_plans` (:func:`run_contracts` does both); tests of this repository
use them too. Django must be set up before planning, and the test databases
created (``DiscoverRunner.setup_databases()``) before running.
"""

from __future__ import annotations

import time
import unittest
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from types import ModuleType, TracebackType
from typing import Any, Literal

from ..description import BackendDescription, describe
from ..engine import lookup
from ..loading import load_class
from ..pairs import PERMISSION_PAIRS
from .base import ContractBase
from .capabilities import Capability
from .ledger import Measurements, measurements_for
from .masking import MaskedError, mask
from .reporting import ContractFailure
from .selection import CheckSelection, describe_test

__all__ = [
    "BackendPlan",
    "BackendReport",
    "CheckResult",
    "contract_classes_for",
    "plan_contracts",
    "run_contracts",
    "run_plans",
]

Status = Literal["passed", "failed", "error", "skipped", "expected failure", "unexpected success"]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


@dataclass(frozen=True)
class CheckResult:
    test: str
    """The test method, such as ``test_wrong_credentials_give_none_async``."""
    check: str
    mode: str | None
    status: Status
    detail: str = ""

    @property
    def counts_as_failure(self) -> bool:
        return self.status in ("failed", "error", "unexpected success")


@dataclass
class BackendReport:
    path: str
    description: BackendDescription
    contracts: list[str]
    capabilities: frozenset[Capability]
    capabilities_inferred: bool
    results: list[CheckResult] = field(default_factory=list)
    measurements: Measurements = field(default_factory=Measurements)
    seconds: float = 0.0

    def count(self, *statuses: Status) -> int:
        return sum(result.status in statuses for result in self.results)

    @property
    def failed(self) -> int:
        return self.count("failed", "error", "unexpected success")

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def as_json(self) -> dict[str, Any]:
        worst = self.measurements.worst_stall
        return {
            "backend": self.path,
            "ok": self.ok,
            "contracts": self.contracts,
            "capabilities": sorted(c.value for c in self.capabilities),
            "capabilities_inferred": self.capabilities_inferred,
            "describe": {
                p.pair.sync_name: {
                    "sync": str(p.sync),
                    "async": str(p.async_),
                    "verdict": p.verdict,
                }
                for p in self.description.pairs
                if not p.absent
            },
            "passed": self.count("passed"),
            "failed": self.failed,
            "skipped": self.count("skipped"),
            "expected_failures": self.count("expected failure"),
            "checks": [
                {
                    "test": r.test,
                    "check": r.check,
                    "mode": r.mode,
                    "status": r.status,
                    "detail": r.detail,
                }
                for r in self.results
            ],
            "hops": self.measurements.hops,
            "stalls_ms": {k: round(v, 1) for k, v in self.measurements.stalls_ms.items()},
            "worst_stall_ms": None if worst is None else round(worst[1], 1),
            "seconds": round(self.seconds, 2),
        }


def contract_classes_for(
    path: str, contract_module: ModuleType | None = None
) -> list[type[ContractBase]]:
    """The contract test classes to run for the backend at ``path``.

    From ``contract_module``: its contract classes whose ``backend`` is this
    backend; or, in a module whose classes name no backend at all (hook
    providers), all of them, bound to this one. Otherwise, the contracts the
    backend's methods call for, with the default hooks.
    """
    from django.test import TestCase

    backend_class = load_class(path, caller="check")
    chosen: list[type[ContractBase]] = []
    if contract_module is not None:
        found = [
            value
            for value in vars(contract_module).values()
            if isinstance(value, type)
            and issubclass(value, ContractBase)
            and value.__module__ == contract_module.__name__
        ]
        chosen = [c for c in found if _names(c, backend_class)]
        if not any(getattr(c, "backend", None) is not None for c in found):
            chosen = found
    if not chosen:
        chosen = default_contracts(backend_class)
    runnable: list[type[ContractBase]] = []
    for contract in chosen:
        bases = (contract,) if issubclass(contract, unittest.TestCase) else (contract, TestCase)
        runnable.append(
            type(
                contract.__name__,
                bases,
                {
                    "backend": path,
                    "__module__": contract.__module__,
                    # One ledger entry per backend, not per contract class.
                    "__qualname__": f"{contract.__qualname__}[{path}]",
                },
            )
        )
    return runnable


def default_contracts(backend_class: type) -> list[type[ContractBase]]:
    from .contracts import AuthBackendContract, PermissionBackendContract

    contracts: list[type[ContractBase]] = []
    if lookup(backend_class, "authenticate") or lookup(backend_class, "aauthenticate"):
        contracts.append(AuthBackendContract)
    if any(lookup(backend_class, name) for pair in PERMISSION_PAIRS for name in pair):
        contracts.append(PermissionBackendContract)
    if len(contracts) == 2:
        return [type("AuthAndPermissionContract", tuple(contracts), {"__module__": __name__})]
    return contracts


def _names(contract: type, backend_class: type) -> bool:
    target = getattr(contract, "backend", None)
    if target is None:
        return False
    try:
        return load_class(target, caller="check") is backend_class
    except (ImportError, TypeError, ValueError):
        return False


class _Recorder(unittest.TestResult):
    def __init__(
        self,
        on_result: Callable[[CheckResult], None],
        on_start: Callable[[str], None],
        secrets: Collection[str],
    ):
        super().__init__()
        self.results: list[CheckResult] = []
        self._on_result = on_result
        self._on_start = on_start
        self._secrets = secrets

    def startTest(self, test: unittest.TestCase) -> None:
        super().startTest(test)
        self._on_start(describe_test(test)[0])

    def _record(self, test: unittest.TestCase, status: Status, detail: str = "") -> None:
        check, mode = describe_test(test)
        result = CheckResult(
            getattr(test, "_testMethodName", str(test)),
            check,
            mode,
            status,
            # The test's own secrets too, now that its setUp() has run.
            mask(detail, {*self._secrets, *_secrets_of(test)}),
        )
        self.results.append(result)
        self._on_result(result)

    def addSuccess(self, test: unittest.TestCase) -> None:
        self._record(test, "passed")

    def addFailure(self, test: unittest.TestCase, err: Any) -> None:
        self._record(test, "failed", _explain(err))

    def addError(self, test: unittest.TestCase, err: Any) -> None:
        self._record(test, "error", _explain(err))

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:
        self._record(test, "skipped", reason)

    def addExpectedFailure(self, test: unittest.TestCase, err: Any) -> None:
        reason = getattr(test, "expected_failures", {}).get(test._testMethodName, "")
        self._record(test, "expected failure", reason)

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:
        self._record(test, "unexpected success", "expected to fail, but passed")


def _explain(err: ExcInfo) -> str:
    _, exc, _ = err
    if isinstance(exc, ContractFailure | MaskedError):  # a MaskedError names the original
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class BackendPlan:
    """What will run against one backend: its contract classes and the selected tests."""

    path: str
    contracts: list[type[ContractBase]]
    tests: list[unittest.TestCase]
    secrets: frozenset[str]
    """What the contracts' ``secrets()`` return: masked in everything reported."""


def plan_contracts(
    paths: Sequence[str],
    contract_module: ModuleType | None = None,
    only: Collection[str] = (),
) -> list[BackendPlan]:
    """The contract tests to run against each backend, in order; nothing runs yet.

    ``only``: names of checks or test methods to run (see
    :class:`~auth_backend_sdk.testing.selection.CheckSelection`); all if empty.
    Raises :exc:`~auth_backend_sdk.testing.selection.UnknownCheck` for a name
    that selects nothing in any backend's contracts, and for a selection that
    selects nothing of one backend (whose empty run would pass).
    """
    loaded = []
    for path in paths:
        contracts = contract_classes_for(path, contract_module)
        tests = [test for contract in contracts for test in _tests_of(contract)]
        loaded.append((path, contracts, tests))
    selection = CheckSelection.of(only, (test for _, _, tests in loaded for test in tests))
    return [
        BackendPlan(
            path,
            contracts,
            selection.among(tests, path),
            frozenset(secret for test in tests for secret in _secrets_of(test)),
        )
        for path, contracts, tests in loaded
    ]


def _tests_of(contract: type[ContractBase]) -> list[unittest.TestCase]:
    suite = unittest.TestLoader().loadTestsFromTestCase(contract)  # type: ignore[arg-type]
    return [test for test in suite if isinstance(test, unittest.TestCase)]


def _secrets_of(test: unittest.TestCase) -> tuple[str, ...]:
    return test.known_secrets() if isinstance(test, ContractBase) else ()


def run_plans(
    plans: Sequence[BackendPlan],
    *,
    on_start: Callable[[str, str], None] = lambda path, check: None,
    on_result: Callable[[str, CheckResult], None] = lambda path, result: None,
) -> list[BackendReport]:
    """Run each plan; one report per backend, in order."""
    reports = []
    for plan in plans:
        report = _report_for(plan)
        recorder = _Recorder(
            lambda result, path=plan.path: on_result(path, result),  # type: ignore[misc]
            lambda check, path=plan.path: on_start(path, check),  # type: ignore[misc]
            plan.secrets,
        )
        started = time.perf_counter()
        unittest.TestSuite(plan.tests).run(recorder)
        report.seconds = time.perf_counter() - started
        report.results = recorder.results
        for contract in plan.contracts:
            _merge(report.measurements, measurements_for(contract.label()))
        reports.append(report)
    return reports


def run_contracts(
    paths: Sequence[str],
    *,
    contract_module: ModuleType | None = None,
    on_start: Callable[[str, str], None] = lambda path, check: None,
    on_result: Callable[[str, CheckResult], None] = lambda path, result: None,
    only: Collection[str] = (),
) -> list[BackendReport]:
    """Plan and run the contract against each backend; one report per backend, in order.

    ``only``: names of checks to run (such as ``"authentication_parity"``); all if empty.
    """
    plans = plan_contracts(paths, contract_module, only)
    return run_plans(plans, on_start=on_start, on_result=on_result)


def _report_for(plan: BackendPlan) -> BackendReport:
    first = plan.contracts[0]
    declared = first.capabilities is not None
    return BackendReport(
        path=plan.path,
        description=describe(plan.path),
        contracts=[c.__name__ for c in plan.contracts],
        capabilities=first.declared_capabilities(),
        capabilities_inferred=not declared,
    )


def _merge(into: Measurements, source: Measurements) -> None:
    into.hops.update(source.hops)
    into.stalls_ms.update(source.stalls_ms)
