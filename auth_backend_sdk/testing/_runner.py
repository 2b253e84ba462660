"""Run the contract against backends programmatically and collect a report per backend.

The ``check`` command is a thin shell around :func:`plan_contracts` and
:func:`run_plans` (:func:`run_contracts` does both); tests of this repository
use them too. Django must be set up before planning, and the test databases
created (``DiscoverRunner.setup_databases()``) before running.
"""

from __future__ import annotations

import enum
import time
import unittest
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from types import ModuleType, TracebackType
from typing import Any, Literal

from django.utils.module_loading import import_string

from ..engine._loading import load_class, require_family
from ..engine.description import BackendDescription, describe
from .harness import ContractBase, HookMissing, Inference
from .ledger import Measurements, measurements_for
from .masking import MaskedError, mask
from .reporting import ContractFailure
from .selection import CheckSelection, describe_test

__all__ = [
    "BackendPlan",
    "BackendReport",
    "CheckResult",
    "ContractModuleMismatch",
    "contract_classes_for",
    "plan_contracts",
    "run_contracts",
    "run_plans",
]

Status = Literal[
    "passed", "failed", "error", "skipped", "not run", "expected failure", "unexpected success"
]
"""``skipped``: the check does not apply (a capability the backend lacks); ``not run``: it
applies, but needs a hook the contract does not write (neither passed nor failed)."""
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


@dataclass(frozen=True)
class CheckResult:
    test: str
    """The test method, such as ``test_wrong_credentials_give_none_async``."""
    check: str
    mode: str | None
    status: Status
    detail: str = ""
    needs: str = ""
    """For a check not run: the hook to write, such as ``user_credentials() or valid_login()``."""

    @property
    def counts_as_failure(self) -> bool:
        return self.status in ("failed", "error", "unexpected success")


@dataclass
class BackendReport:
    path: str
    description: BackendDescription
    contracts: list[str]
    capabilities: frozenset[enum.Enum]
    capabilities_inferred: bool
    inferences: tuple[Inference, ...] = ()
    """How the capabilities were read from the class, when inferred."""
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
        """No check failed (some may not have run)."""
        return self.failed == 0

    @property
    def complete(self) -> bool:
        """Some check ran, and every check that applies ran."""
        return self.count("not run") == 0 and self.count("passed", "expected failure") > 0

    @property
    def verdict(self) -> str:
        """One line: PASS, FAIL or NOT VERIFIED (nothing ran), and what was not run for want of
        which hook."""
        ran = self.count("passed", "expected failure") + self.failed
        if ran == 0:
            line = "NOT VERIFIED: no check ran"
        elif self.ok:
            line = f"PASS: {_checks(self.count('passed'))} passed"
            expected = self.count("expected failure")
            if expected:
                line += f", {expected} failed as expected"
        else:
            line = f"FAIL: {self.failed} of {_checks(ran)} failed"
        needed = self.missing_hooks()
        if needed:
            hooks = "; ".join(f"{hook} ({len(results)})" for hook, results in needed.items())
            line += f"; not run, for want of a hook: {hooks}"
        return line

    def missing_hooks(self) -> dict[str, list[CheckResult]]:
        """The checks not run, by the hook they need."""
        needed: dict[str, list[CheckResult]] = {}
        for result in self.results:
            if result.status == "not run":
                needed.setdefault(result.needs, []).append(result)
        return needed

    def as_json(self) -> dict[str, Any]:
        worst = self.measurements.worst_stall
        return {
            "backend": self.path,
            "ok": self.ok,
            "complete": self.complete,
            "verdict": self.verdict,
            "contracts": self.contracts,
            "capabilities": sorted(c.value for c in self.capabilities),
            "capabilities_inferred": self.capabilities_inferred,
            "inferences": [
                {"capabilities": sorted(c.value for c in i.capabilities), "reason": i.reason}
                for i in self.inferences
            ],
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
            "not_run": self.count("not run"),
            "missing_hooks": {hook: len(results) for hook, results in self.missing_hooks().items()},
            "expected_failures": self.count("expected failure"),
            "checks": [
                {
                    "test": r.test,
                    "check": r.check,
                    "mode": r.mode,
                    "status": r.status,
                    "detail": r.detail,
                    **({"needs": r.needs} if r.needs else {}),
                }
                for r in self.results
            ],
            "hops": self.measurements.hops,
            "stalls_ms": {k: round(v, 1) for k, v in self.measurements.stalls_ms.items()},
            "worst_stall_ms": None if worst is None else round(worst[1], 1),
            "seconds": round(self.seconds, 2),
        }


def _checks(count: int) -> str:
    return f"{count} check" if count == 1 else f"{count} checks"


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
        found = _contracts_in(contract_module)
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
    """The suites its family runs on a backend no contract module names."""
    family = require_family(backend_class, caller="check")
    choose: Callable[[type], list[type[ContractBase]]] = import_string(family.default_contracts)
    return choose(backend_class)


class ContractModuleMismatch(ValueError):
    """The contract module's classes name backends that do not load, or others than those
    checked while a checked backend has none."""


def _contracts_in(module: ModuleType) -> list[type[ContractBase]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, ContractBase)
        and value.__module__ == module.__name__
    ]


def _require_a_contract_for_one_of(paths: Sequence[str], module: ModuleType) -> None:
    """Refuse a module that looks written for other backends than those checked (a typo).

    Every backend its classes name must load; and a backend that none of
    them names may run the defaults only if each named class is for a
    backend checked.
    """
    named = [c for c in _contracts_in(module) if getattr(c, "backend", None) is not None]
    if not named:
        return
    checked = [load_class(path, caller="check") for path in paths]
    targets: dict[type, type] = {}
    for contract in named:
        try:
            targets[contract] = contract.load_backend_class()
        except Exception as exc:
            raise ContractModuleMismatch(
                f"{module.__name__}.{contract.__qualname__} names {_target(contract)}, which "
                f"cannot be loaded: {type(exc).__name__}: {exc}"
            ) from exc
    elsewhere = [c for c, target in targets.items() if target not in checked]
    unnamed = [p for p, b in zip(paths, checked, strict=True) if b not in targets.values()]
    if elsewhere and unnamed:
        found = ", ".join(f"{c.__qualname__} ({_target(c)})" for c in elsewhere)
        raise ContractModuleMismatch(
            f"{module.__name__} has no contract for {', '.join(unnamed)}: "
            f"its contract classes name other backends: {found}"
        )


def _target(contract: type) -> str:
    target: str | type = contract.backend  # type: ignore[attr-defined]
    return target if isinstance(target, str) else f"{target.__module__}.{target.__qualname__}"


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

    def _record(
        self, test: unittest.TestCase, status: Status, detail: str = "", needs: str = ""
    ) -> None:
        check, mode = describe_test(test)
        result = CheckResult(
            getattr(test, "_testMethodName", str(test)),
            check,
            mode,
            status,
            # The test's own secrets too, now that its setUp() has run.
            mask(detail, {*self._secrets, *_secrets_of(test)}),
            needs,
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
        missing = getattr(test, "missing_hook", None)
        if isinstance(missing, HookMissing):
            needs = f"{missing.hook}()" + (f" or {missing.or_hook}()" if missing.or_hook else "")
            self._record(test, "not run", reason, needs)
        else:
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
    selects nothing of one backend (whose empty run would pass);
    :exc:`ContractModuleMismatch` for a ``contract_module`` whose contract
    classes name none of the backends (a typo would run the defaults).
    """
    if contract_module is not None:
        _require_a_contract_for_one_of(paths, contract_module)
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
    inferred = first.capabilities is None
    return BackendReport(
        path=plan.path,
        description=describe(plan.path),
        contracts=[c.__name__ for c in plan.contracts],
        capabilities=first.declared_capabilities(),
        capabilities_inferred=inferred,
        inferences=first.explain_capabilities() if inferred else (),
    )


def _merge(into: Measurements, source: Measurements) -> None:
    into.hops.update(source.hops)
    into.stalls_ms.update(source.stalls_ms)
