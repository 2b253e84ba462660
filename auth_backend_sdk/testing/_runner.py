"""Run the contract against backends programmatically and collect a report per backend.

The ``check`` command is a thin shell around :func:`plan_contracts` and
:func:`run_plans` (:func:`run_contracts` does both); tests of this repository
use them too. Django must be set up before planning, and the test databases
created (``DiscoverRunner.setup_databases()``) before running.

Each backend is resolved once (:func:`load_target`): planning, ``describe()``
and every contract test use that class, and each contract class infers the
backend's capabilities once. What the reports look like is
:mod:`~auth_backend_sdk.testing._report`'s business.
"""

from __future__ import annotations

import enum
import time
import unittest
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType, TracebackType
from typing import Any, ClassVar, Literal, cast

from django.utils.module_loading import import_string

from ..engine._family import Family
from ..engine._loading import article, load_class, require_family
from ..engine.description import BackendDescription, describe
from ._ledger import Measurements, measurements_for
from ._reporting import ContractFailure
from ._selection import CheckSelection, describe_test
from .harness import ContractBase, HookMissing, Inference
from .masking import MaskedError, mask

__all__ = [
    "BackendPlan",
    "BackendReport",
    "BackendTarget",
    "CheckResult",
    "ContractModuleMismatch",
    "contract_classes_for",
    "load_target",
    "plan_contracts",
    "run_contracts",
    "run_plans",
]

RunStatus = Literal[
    "passed", "failed", "error", "skipped", "not run", "expected failure", "unexpected success"
]
"""What became of one contract test. ``skipped``: the check does not apply (a capability
the backend lacks); ``not run``: it applies, but needs a hook the contract does not write
(neither passed nor failed)."""
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


@dataclass(frozen=True)
class CheckResult:
    test: str
    """The test method, such as ``test_wrong_credentials_give_none_async``."""
    check: str
    mode: str | None
    status: RunStatus
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

    def count(self, *statuses: RunStatus) -> int:
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
        """The report as ``--json`` prints it (``_report.as_json()``)."""
        from ._report import as_json

        return as_json(self)


def _checks(count: int) -> str:
    return f"{count} check" if count == 1 else f"{count} checks"


@dataclass(frozen=True)
class BackendTarget:
    """A backend to check: its class, resolved once, and the path it was named by."""

    path: str
    """As given (``reference_backends.ModelBackend``): what the reports show, and what the
    contract classes' ``backend`` is set to."""
    cls: type
    family: Family


def load_target(backend: str | type | BackendTarget) -> BackendTarget:
    """Resolve ``backend`` (a dotted path or a class) to a member of a family, once.

    Raises what :func:`~auth_backend_sdk.engine._loading.load_class` and
    :func:`~auth_backend_sdk.engine._loading.require_family` raise.
    """
    if isinstance(backend, BackendTarget):
        return backend
    cls = load_class(backend, caller="check")
    path = backend if isinstance(backend, str) else f"{cls.__module__}.{cls.__qualname__}"
    return BackendTarget(path, cls, require_family(cls, caller="check"))


class _Bound(ContractBase):
    """The base the runner adds to each contract class it runs, bound to one backend.

    The backend class is the one resolved once (``bound_to``), and the capabilities
    are inferred once per backend class, not at each of the class's tests (each
    asks :meth:`declared_capabilities`).
    """

    bound_to: ClassVar[BackendTarget]
    _inferred: ClassVar[dict[type, frozenset[enum.Enum]]]
    """Set on each bound class: its inferred capabilities, by backend class."""

    @classmethod
    def load_backend_class(cls) -> type:
        bound = cls.bound_to
        if cls.backend == bound.path or cls.backend is bound.cls:
            return bound.cls
        return super().load_backend_class()  # someone set another backend since

    @classmethod
    def inferred_capabilities(cls) -> frozenset[enum.Enum]:
        # Keyed by the backend class itself: another backend set on the class since is
        # inferred anew, never answered from this cache. (A contract that declares
        # ``capabilities`` never gets here.)
        cache: dict[type, frozenset[enum.Enum]] | None = vars(cls).get("_inferred")
        if cache is None:  # a subclass made after binding
            return super().inferred_capabilities()
        backend = cls.load_backend_class()
        if backend not in cache:
            cache[backend] = super().inferred_capabilities()
        return cache[backend]


def contract_classes_for(
    backend: str | type | BackendTarget,
    contract_module: ModuleType | None = None,
    *,
    named: dict[type[ContractBase], type | Exception] | None = None,
) -> list[type[ContractBase]]:
    """The contract test classes to run for ``backend``.

    From ``contract_module``: its contract classes whose ``backend`` is this
    backend; or, in a module whose classes name no backend at all (hook
    providers), all of them, bound to this one. Otherwise, the contracts the
    backend's methods call for, with the default hooks. ``named``: what each
    of the module's classes names (:func:`_backends_named_in`), if known.
    """
    from django.test import TestCase

    target = load_target(backend)
    chosen: list[type[ContractBase]] = []
    if contract_module is not None:
        found = _contracts_in(contract_module)
        if named is None:
            named = _backends_named_in(contract_module)
        chosen = [c for c in found if named.get(c) is target.cls]
        if not named:
            # A module whose classes name no backend only supplies hooks and capabilities
            # (the tutorial's): they apply to whichever backend is checked.
            chosen = found
    if not chosen:
        # A module whose classes name backends, none of them this one: its classes that
        # name no backend are bases of the named ones (hooks shared by several backends),
        # not contracts for every backend. Run the defaults, as without a module: one
        # command can check backends with a contract and backends without
        # (plan_contracts refuses a module that names only backends not checked).
        chosen = _default_contracts(target)
    runnable: list[type[ContractBase]] = []
    for contract in chosen:
        bases: tuple[type, ...] = (_Bound, contract)
        if not issubclass(contract, unittest.TestCase):
            bases += (TestCase,)
        bound = type(
            contract.__name__,
            bases,
            {
                "backend": target.path,
                "bound_to": target,
                "_inferred": {},
                "__module__": contract.__module__,
                # One ledger entry per backend, not per contract class.
                "__qualname__": f"{contract.__qualname__}[{target.path}]",
            },
        )
        runnable.append(cast("type[ContractBase]", bound))
    return runnable


def _default_contracts(target: BackendTarget) -> list[type[ContractBase]]:
    """The suites its family runs on a backend no contract module names."""
    if not target.family.default_contracts:
        raise NoContractSuites(
            f"{target.path} is {article(target.family.name)} {target.family.name}, and "
            f"that family declares no contract suites (Family.default_contracts)"
        )
    choose: Callable[[type], list[type[ContractBase]]] = import_string(
        target.family.default_contracts
    )
    return choose(target.cls)


class NoContractSuites(TypeError):
    """The backend's family has no contract suites to run."""


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


def _backends_named_in(module: ModuleType) -> dict[type[ContractBase], type | Exception]:
    """The backend class each contract class of ``module`` that names one names (or why it
    cannot be loaded); each loaded once."""
    named: dict[type[ContractBase], type | Exception] = {}
    for contract in _contracts_in(module):
        if getattr(contract, "backend", None) is None:
            continue
        try:
            named[contract] = contract.load_backend_class()
        except Exception as exc:
            named[contract] = exc
    return named


def _require_a_contract_for_one_of(
    targets: Sequence[BackendTarget],
    module: ModuleType,
    named: dict[type[ContractBase], type | Exception],
) -> None:
    """Refuse a module that looks written for other backends than those checked (a typo).

    Every backend its classes name must load; and a backend that none of
    them names may run the defaults only if each named class is for a
    backend checked.
    """
    for contract, backend in named.items():
        if isinstance(backend, Exception):
            raise ContractModuleMismatch(
                f"{module.__name__}.{contract.__qualname__} names {_target(contract)}, which "
                f"cannot be loaded: {type(backend).__name__}: {backend}"
            ) from backend
    checked = [target.cls for target in targets]
    elsewhere = [c for c, backend in named.items() if backend not in checked]
    unnamed = [t.path for t in targets if t.cls not in named.values()]
    if elsewhere and unnamed:
        found = ", ".join(f"{c.__qualname__} ({_target(c)})" for c in elsewhere)
        raise ContractModuleMismatch(
            f"{module.__name__} has no contract for {', '.join(unnamed)}: "
            f"its contract classes name other backends: {found}"
        )


def _target(contract: type) -> str:
    target: str | type = contract.backend  # type: ignore[attr-defined]
    return target if isinstance(target, str) else f"{target.__module__}.{target.__qualname__}"


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
        self, test: unittest.TestCase, status: RunStatus, detail: str = "", needs: str = ""
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

    target: BackendTarget
    contracts: list[type[ContractBase]]
    tests: list[unittest.TestCase]
    secrets: frozenset[str]
    """What the contracts' ``secrets()`` return: masked in everything reported."""

    @property
    def path(self) -> str:
        return self.target.path


def plan_contracts(
    backends: Sequence[str | type | BackendTarget],
    contract_module: ModuleType | None = None,
    only: Collection[str] = (),
) -> list[BackendPlan]:
    """The contract tests to run against each backend, in order; nothing runs yet.

    ``backends``: dotted paths or classes, resolved here once each, or targets
    already resolved (:func:`load_target`). ``only``: names of checks or test
    methods to run (see
    :class:`~auth_backend_sdk.testing._selection.CheckSelection`); all if empty.
    Raises :exc:`~auth_backend_sdk.testing._selection.UnknownCheck` for a name
    that selects nothing in any backend's contracts, and for a selection that
    selects nothing of one backend (whose empty run would pass);
    :exc:`ContractModuleMismatch` for a ``contract_module`` whose contract
    classes name none of the backends (a typo would run the defaults).
    """
    targets = [load_target(backend) for backend in backends]
    named: dict[type[ContractBase], type | Exception] = {}
    if contract_module is not None:
        named = _backends_named_in(contract_module)
        _require_a_contract_for_one_of(targets, contract_module, named)
    loaded = []
    for target in targets:
        contracts = contract_classes_for(target, contract_module, named=named)
        tests = [test for contract in contracts for test in _tests_of(contract)]
        loaded.append((target, contracts, tests))
    selection = CheckSelection.of(only, (test for _, _, tests in loaded for test in tests))
    return [
        BackendPlan(
            target,
            contracts,
            selection.among(tests, target.path),
            frozenset(secret for test in tests for secret in _secrets_of(test)),
        )
        for target, contracts, tests in loaded
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
    backends: Sequence[str | type | BackendTarget],
    *,
    contract_module: ModuleType | None = None,
    on_start: Callable[[str, str], None] = lambda path, check: None,
    on_result: Callable[[str, CheckResult], None] = lambda path, result: None,
    only: Collection[str] = (),
) -> list[BackendReport]:
    """Plan and run the contract against each backend; one report per backend, in order.

    ``only``: names of checks to run (such as ``"authentication_parity"``); all if empty.
    """
    plans = plan_contracts(backends, contract_module, only)
    return run_plans(plans, on_start=on_start, on_result=on_result)


def _report_for(plan: BackendPlan) -> BackendReport:
    first = plan.contracts[0]
    inferred = first.capabilities is None
    target = plan.target
    return BackendReport(
        path=target.path,
        # The class resolved once, under the name it was given.
        description=replace(describe(target.cls, family=target.family), path=target.path),
        contracts=[c.__name__ for c in plan.contracts],
        capabilities=first.declared_capabilities(),
        capabilities_inferred=inferred,
        inferences=first.explain_capabilities() if inferred else (),
    )


def _merge(into: Measurements, source: Measurements) -> None:
    into.hops.update(source.hops)
    into.stalls_ms.update(source.stalls_ms)
