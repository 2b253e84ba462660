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

import unittest
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.test import override_settings

from ..auth.family import AUTH_BACKEND_PAIRS
from ..engine._derivation import derivation_of
from ..engine._loading import load_class
from ..engine._resolution import lookup
from .capabilities import AUTHENTICATES, Capability, infer_capabilities
from .hooks import ContractHooks, HookMissing
from .ledger import Measurements, measurements_for
from .masking import mask_exception
from .modes import ASYNC, SYNC, Mode, Outcome
from .reporting import fail, render_inputs, render_outcome

__all__ = ["Check", "ContractBase", "check"]

F = TypeVar("F", bound=Callable[..., None])
BOTH_MODES = (SYNC, ASYNC)


@dataclass(frozen=True)
class Check:
    """A contract check, before it becomes one test method per mode."""

    name: str
    function: Callable[..., None]
    requires: frozenset[Capability]
    any_of: frozenset[Capability]
    unless: frozenset[Capability]
    modes: tuple[Mode, ...]
    """Empty for checks that compare both modes themselves (parity)."""

    @property
    def summary(self) -> str:
        return (self.function.__doc__ or self.name).strip().splitlines()[0]

    def test_names(self) -> list[str]:
        if not self.modes:
            return [f"test_{self.name}"]
        return [f"test_{self.name}_{mode.value}" for mode in self.modes]

    def skip_reason(self, declared: frozenset[Capability], owner: str) -> str | None:
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
    requires: Collection[Capability] = (),
    any_of: Collection[Capability] = (),
    unless: Collection[Capability] = (),
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


class ContractBase(ContractHooks):
    """What every contract class declares. Set ``backend``; the rest has defaults."""

    backend: ClassVar[str | type]
    """The backend under test: a dotted path or a class."""
    capabilities: ClassVar[Collection[Capability] | None] = None
    """What the backend supports; ``None`` infers it
    (see :func:`~auth_backend_sdk.testing.infer_capabilities`)."""
    expected_failures: ClassVar[Mapping[str, str]] = {}
    """Test method name to the reason it is expected to fail (must fail: strict)."""
    fast_password_hasher: ClassVar[str | None] = "django.contrib.auth.hashers.MD5PasswordHasher"
    """Put first in ``PASSWORD_HASHERS`` while checks run, except the event-loop login
    check, which always uses Django's default hasher. ``None`` keeps the project's."""
    max_loop_stall_ms: ClassVar[float] = 50.0
    """The longest an async method may block the event loop."""
    hop_budgets: ClassVar[Mapping[str, int]] = {}
    """Optional upper bounds on thread hops, by method as the ledger names it."""
    hypothesis_examples: ClassVar[int] = 25
    """Generated inputs per parity property."""
    model_backend_compatible: ClassVar[bool | None] = None
    """Whether the backend reads Django's users, passwords and permission tables, so that
    the default hooks can make its users, logins and grants; ``None``: when it subclasses
    Django's ``ModelBackend``."""
    answers_as_model_backend: ClassVar[bool | None] = None
    """Whether its answers must equal those of Django's ``ModelBackend``, read from Django's
    tables (the oracle); ``None``: for the methods that Django's own code, or a drop-in's
    (``reference_backends``), answers. A project's override (usernames matched in any case,
    permissions never cached) is a choice the oracle does not judge: set it to ``True`` to
    hold the backend to ``ModelBackend``'s answers all the same."""

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
    def declared_capabilities(cls) -> frozenset[Capability]:
        """``capabilities``, or those inferred from the backend (and from the hooks written).

        Inferred, a contract that writes a login hook says the backend logs
        users in, whatever its ``authenticate`` signature suggests.
        """
        if cls.capabilities is not None:
            return frozenset(Capability(c) for c in cls.capabilities)
        inferred = infer_capabilities(cls.load_backend_class())
        if not inferred & AUTHENTICATES and _writes_login_hooks(cls):
            inferred |= {Capability.OTHER_CREDENTIALS}
        return inferred

    @property
    def measurements(self) -> Measurements:
        return measurements_for(self.label())

    def is_model_backend_compatible(self) -> bool:
        if self.model_backend_compatible is not None:
            return self.model_backend_compatible
        from django.contrib.auth.backends import ModelBackend

        return issubclass(self.backend_class, ModelBackend)

    def answers_as_model_backend_for(self, *names: str) -> bool:
        """Whether the oracle judges the methods ``names`` (each with its async twin)."""
        if self.answers_as_model_backend is not None:
            return self.answers_as_model_backend
        if not self.is_model_backend_compatible():
            return False
        pairs = {pair.sync_name: pair for pair in AUTH_BACKEND_PAIRS}
        return all(
            _defined_by_a_drop_in(self.backend_class, side)
            for name in names
            for side in pairs.get(name, (name,))
        )

    def secrets(self) -> tuple[str, ...]:
        """Values never to print: the users' password. Override to add others (tokens).

        Failure messages, and what pytest, unittest and the ``check`` command print
        about a contract test, show them in no form (raw, ``repr()``-escaped,
        JSON-escaped, cut short) but as ``********``.
        """
        return (self.password,)

    def known_secrets(self) -> tuple[str, ...]:
        """``secrets()``, or the default ones where it cannot answer yet.

        An override may return what ``setUp()`` made (a token), and is asked
        about tests whose ``setUp()`` did not run or failed.
        """
        try:
            found = tuple(self.secrets())
        except Exception:
            found = ContractBase.secrets(self)
        return tuple(secret for secret in found if secret)

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
        """The settings every check runs under: the fast hasher, unless disabled."""
        if self.fast_password_hasher is None:
            with nullcontext():
                yield
            return
        from django.conf import settings

        hashers = [self.fast_password_hasher, *settings.PASSWORD_HASHERS]
        with override_settings(PASSWORD_HASHERS=list(dict.fromkeys(hashers))):
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
    from .reporting import render_value

    return render_value(value, secrets)


def _mode_of(test_name: str) -> Mode | None:
    for mode in BOTH_MODES:
        if test_name.endswith(f"_{mode.value}"):
            return mode
    return None


_LOGIN_HOOKS = ("valid_login", "user_credentials")


def _writes_login_hooks(contract: type) -> bool:
    """Whether ``contract`` overrides a hook that says how a user logs in."""
    return any(getattr(contract, name) is not getattr(ContractHooks, name) for name in _LOGIN_HOOKS)


_DROP_IN_MODULES = ("django.contrib.auth.backends", "reference_backends.")


def _defined_by_a_drop_in(backend_class: type, name: str) -> bool:
    """Whether ``name`` resolves to Django's own code or a drop-in's (a derived side: its
    source's)."""
    found = lookup(backend_class, name)
    if found is None:
        return True
    owner, value = found
    derivation = derivation_of(value)
    module = (derivation.owner if derivation is not None else owner).__module__
    return module == _DROP_IN_MODULES[0] or module.startswith(_DROP_IN_MODULES[1])
