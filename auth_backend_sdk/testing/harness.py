"""The machinery every contract shares: declared checks become test methods.

A check is written once, as a method taking a :class:`Mode`::

    @check(any_of=AUTHENTICATES)
    def wrong_credentials_give_none(self, mode: Mode) -> None: ...

and becomes ``test_wrong_credentials_give_none_sync`` and
``test_wrong_credentials_give_none_async`` on the class. The test methods
are plain methods that raise ``AssertionError`` (a :class:`ContractFailure`)
or ``unittest.SkipTest``, so the same class runs under Django's test runner
(mixed into ``TestCase``) and under pytest (with or without ``TestCase``).
"""

from __future__ import annotations

import enum
import unittest
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from ..engine._loading import load_class
from ._ledger import Measurements, measurements_for
from ._reporting import fail, render_inputs, render_outcome
from .masking import mask_exception
from .modes import ASYNC, SYNC, Mode, Outcome

__all__ = ["Check", "ContractBase", "HookMissing", "Inference", "check", "hypothesis_strategies"]

F = TypeVar("F", bound=Callable[..., None])
BOTH_MODES = (SYNC, ASYNC)


class HookMissing(unittest.SkipTest):
    """A check needs a hook the contract does not provide: the check is not run.

    A ``SkipTest``, so pytest and Django's runner report it as skipped with
    this message; the ``check`` command reports it as *not run*.
    """

    def __init__(self, hook: str, why: str, *, or_hook: str | None = None) -> None:
        alternative = f" (or {or_hook}())" if or_hook else ""
        super().__init__(f"not run: write the {hook}() hook{alternative}: {why}")
        self.hook = hook
        self.or_hook = or_hook


@dataclass(frozen=True)
class Inference:
    """A capability read from the class (or left out), and why."""

    capabilities: frozenset[enum.Enum]
    reason: str


@dataclass(frozen=True)
class Check:
    """A contract check, before it becomes one test method per mode."""

    name: str
    function: Callable[..., None]
    requires: frozenset[enum.Enum]
    any_of: frozenset[enum.Enum]
    unless: frozenset[enum.Enum]
    modes: tuple[Mode, ...]
    """Empty for checks that compare both modes themselves (parity)."""

    @property
    def summary(self) -> str:
        return (self.function.__doc__ or self.name).strip().splitlines()[0]

    def test_names(self) -> list[str]:
        if not self.modes:
            return [f"test_{self.name}"]
        return [f"test_{self.name}_{mode.value}" for mode in self.modes]

    def skip_reason(self, declared: frozenset[enum.Enum], owner: str) -> str | None:
        missing = self.requires - declared
        if missing:
            names = ", ".join(sorted(c.value for c in missing))
            return f"needs {names}, which {owner} does not declare"
        if self.any_of and not self.any_of & declared:
            names = " or ".join(sorted(c.value for c in self.any_of))
            return f"needs {names}, which {owner} does not declare"
        excluded = self.unless & declared
        if excluded:
            names = ", ".join(sorted(c.value for c in excluded))
            return f"does not apply to backends with {names}"
        return None


def check(
    *,
    requires: Collection[enum.Enum] = (),
    any_of: Collection[enum.Enum] = (),
    unless: Collection[enum.Enum] = (),
    modes: tuple[Mode, ...] = BOTH_MODES,
) -> Callable[[F], Check]:
    """Declare a contract check; ``modes=()`` for a check comparing both modes itself."""

    def declare(function: F) -> Check:
        return Check(
            function.__name__,
            function,
            frozenset(requires),
            frozenset(any_of),
            frozenset(unless),
            modes,
        )

    return declare


def _test_method(check: Check, mode: Mode | None) -> Callable[[ContractBase], None]:
    def test(self: ContractBase) -> None:
        __tracebackhide__ = True  # pytest: show the check's failure, not this frame
        try:
            self._run_check(check, mode)
        except HookMissing as missing:
            self.missing_hook = missing  # the check command reports the check as not run
            raise
        except Exception as exc:
            # Whatever runs the test prints this exception, its notes (Hypothesis adds
            # some) and its chain: none of them may show a password.
            masked = mask_exception(exc, self.known_secrets())
            if masked is exc:
                raise
            raise masked from None

    suffix = f" ({mode.value})" if mode is not None else ""
    test.__name__ = test.__qualname__ = (
        f"test_{check.name}_{mode.value}" if mode is not None else f"test_{check.name}"
    )
    test.__doc__ = check.summary + suffix
    test.__contract_check__ = check  # type: ignore[attr-defined]
    return test


def hypothesis_strategies() -> Any:
    """``hypothesis.strategies``, or an ImportError saying how to install it.

    Hypothesis is an extra (``auth-backend-sdk[testing]``): the parity checks generate
    their inputs with it.
    """
    try:
        from hypothesis import strategies
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the parity checks generate their inputs with Hypothesis: "
            "pip install 'auth-backend-sdk[testing]'"
        ) from exc
    return strategies


class ContractBase:
    """What every contract class declares. Set ``backend``; the rest has defaults.

    A family's suites subclass it: they say how to infer the capabilities of
    a backend (``inferred_capabilities()``), which values are secrets, and
    the settings checks run under (``checking()``).
    """

    backend: ClassVar[str | type]
    """The backend under test: a dotted path or a class."""
    capabilities: ClassVar[Collection[enum.Enum | str] | None] = None
    """What the backend supports; ``None`` infers it (``inferred_capabilities()``)."""
    expected_failures: ClassVar[Mapping[str, str]] = {}
    """Test method name to the reason it is expected to fail (must fail: strict)."""
    max_loop_stall_ms: ClassVar[float] = 50.0
    """The longest an async method may block the event loop."""
    hop_budgets: ClassVar[Mapping[str, int]] = {}
    """Optional upper bounds on thread hops, by method as the ledger names it."""
    hypothesis_examples: ClassVar[int] = 25
    """Generated inputs per parity property."""
    __contract_checks__: ClassVar[dict[str, Check]] = {}
    missing_hook: HookMissing | None = None
    """Set when this test could not run for want of a hook."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        checks: dict[str, Check] = {}
        for base in reversed(cls.__mro__[1:]):
            checks.update(vars(base).get("__contract_checks__", {}))
        for name, value in list(vars(cls).items()):
            if isinstance(value, Check):
                checks[name] = value
                for mode in value.modes or (None,):
                    test = _test_method(value, mode)
                    setattr(cls, test.__name__, test)
        cls.__contract_checks__ = checks
        if "expected_failures" in vars(cls):
            cls._mark_expected_failures()

    @classmethod
    def _mark_expected_failures(cls) -> None:
        known = {name for c in cls.__contract_checks__.values() for name in c.test_names()}
        unknown = sorted(set(cls.expected_failures) - known)
        if unknown:
            raise TypeError(
                f"{cls.__qualname__}.expected_failures names no contract test: "
                f"{', '.join(unknown)}. Known tests: {', '.join(sorted(known))}."
            )
        for name in cls.expected_failures:
            original = getattr(cls, name)
            check_, mode = original.__contract_check__, _mode_of(name)
            test = _test_method(check_, mode)
            test.__unittest_expecting_failure__ = True  # type: ignore[attr-defined]
            setattr(cls, name, test)

    # -- what the checks use ---------------------------------------------------

    @classmethod
    def label(cls) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"

    @property
    def backend_class(self) -> type:
        return self.load_backend_class()

    @classmethod
    def load_backend_class(cls) -> type:
        target = getattr(cls, "backend", None)
        if target is None:
            raise TypeError(
                f"{cls.__qualname__} must set `backend` to a backend class or its dotted path."
            )
        return load_class(target, caller=cls.__qualname__)

    @classmethod
    def declared_capabilities(cls) -> frozenset[enum.Enum]:
        """``capabilities``, or those inferred (``inferred_capabilities()``)."""
        if cls.capabilities is not None:
            return frozenset(cls.coerce_capability(c) for c in cls.capabilities)
        return cls.inferred_capabilities()

    @classmethod
    def inferred_capabilities(cls) -> frozenset[enum.Enum]:
        """What the family's suites read off the backend class; none by default."""
        return frozenset()

    @classmethod
    def explain_capabilities(cls) -> tuple[Inference, ...]:
        """How ``inferred_capabilities()`` read the backend: one line per inference."""
        return ()

    @classmethod
    def coerce_capability(cls, value: object) -> enum.Enum:
        """A declared capability (a member, or its value) as the family's enum member."""
        if isinstance(value, enum.Enum):
            return value
        raise TypeError(f"{cls.__qualname__}.capabilities lists {value!r}, not a capability")

    @property
    def measurements(self) -> Measurements:
        return measurements_for(self.label())

    def secrets(self) -> tuple[str, ...]:
        """Values never to print. Override to add others (tokens).

        Failure messages, and what pytest, unittest and the ``check`` command print
        about a contract test, show them in no form (raw, ``repr()``-escaped,
        JSON-escaped, cut short) but as ``********``.
        """
        return ()

    def default_secrets(self) -> tuple[str, ...]:
        """What ``secrets()`` returns before a contract overrides it."""
        return ()

    def known_secrets(self) -> tuple[str, ...]:
        """``secrets()``, or the default ones where it cannot answer yet.

        An override may return what ``setUp()`` made (a token), and is asked
        about tests whose ``setUp()`` did not run or failed.
        """
        try:
            found = tuple(self.secrets())
        except Exception:
            found = type(self).default_secrets(self)
        return tuple(secret for secret in found if secret)

    def run_examples(
        self, strategy: Any, example: Callable[[Any], None], explicit: Sequence[Any] = ()
    ) -> None:
        """``example`` on each of ``explicit`` (every run), then on inputs Hypothesis draws
        from ``strategy``: ``hypothesis_examples`` of them, derandomized (the same on every
        run), none printed as they run; the first failure is raised."""
        from hypothesis import HealthCheck, Verbosity, given, settings
        from hypothesis import example as explicit_example

        run: Callable[[], None] = given(strategy)(example)  # type: ignore[no-untyped-call]
        for case in reversed(explicit):  # decorators apply bottom-up: keep the given order
            run = explicit_example(case)(run)
        run = settings(
            max_examples=self.hypothesis_examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            # One failure, the contract's own message: not a group of every failing example.
            report_multiple_bugs=False,
            # Examples may hold secrets: none printed as they run (a verbose profile
            # would), and a failure's own message already shows the inputs, masked.
            verbosity=Verbosity.quiet,
            print_blob=False,
        )(run)
        run()

    def _run_check(self, check: Check, mode: Mode | None) -> None:
        reason = check.skip_reason(self.declared_capabilities(), self.backend_class.__qualname__)
        if reason is not None:
            raise unittest.SkipTest(reason)
        with self.checking():
            if mode is None:
                check.function(self)
            else:
                check.function(self, mode)

    @contextmanager
    def checking(self) -> Iterator[None]:
        """The settings every check runs under; none by default."""
        yield

    def expect(
        self,
        outcome: Outcome,
        expected: object,
        what: str,
        inputs: Mapping[str, Any],
    ) -> None:
        """Fail unless ``outcome`` returned ``expected`` (users compare by primary key)."""
        from .modes import comparable

        returned = outcome.raised is None and not outcome.missing
        if returned and comparable(outcome.value) == comparable(expected):
            return
        raise fail(
            f"{outcome.method} ({outcome.mode.value}): {what}",
            f"inputs:   {render_inputs(inputs, self.secrets())}",
            f"expected: returned {_render(expected, self.secrets())}",
            f"got:      {render_outcome(outcome, self.secrets())}",
        )


def _render(value: object, secrets: tuple[str, ...]) -> str:
    from ._reporting import render_value

    return render_value(value, secrets)


def _mode_of(test_name: str) -> Mode | None:
    for mode in BOTH_MODES:
        if test_name.endswith(f"_{mode.value}"):
            return mode
    return None
