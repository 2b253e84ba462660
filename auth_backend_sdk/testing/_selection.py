"""Which contract tests ``--check NAME`` (``run_contracts(only=...)``) runs.

A name is a check's, which runs it in every mode (``authentication_parity``,
``wrong_credentials_give_none``), or one test method's, as pytest and
``expected_failures`` write it, with or without ``test_``
(``test_wrong_credentials_give_none_async``). A name that selects nothing, for
any of the backends checked, is an error, never an empty run that passes:
that is how a typo in CI would pass.
"""

from __future__ import annotations

import unittest
from collections.abc import Collection, Iterable
from dataclasses import dataclass

__all__ = ["CheckSelection", "UnknownCheck", "describe_test"]


class UnknownCheck(ValueError):
    """``only`` names no check of the contracts to run."""

    def __init__(
        self, unknown: Collection[str], checks: Collection[str], backend: str | None = None
    ) -> None:
        names = ", ".join(repr(name) for name in unknown)
        subject = f"no check is named {names}; the checks are"
        if backend is not None:
            verb = "names" if len(unknown) == 1 else "name"
            subject = f"{names} {verb} no check of {backend}: its checks are"
        super().__init__(
            f"{subject}: {', '.join(sorted(checks))} "
            "(a name may also end in _sync or _async, for one mode)"
        )
        self.unknown = tuple(unknown)
        self.checks = tuple(sorted(checks))


def describe_test(test: unittest.TestCase) -> tuple[str, str | None]:
    """The check a test method runs and its mode; a plain test method is its own check."""
    name = _method_name(test)
    check = getattr(getattr(test, name, None), "__contract_check__", None)
    stem = name.removeprefix("test_")
    if check is None:
        return stem, None
    mode = stem.removeprefix(check.name).lstrip("_") or None
    return check.name, mode


def _method_name(test: unittest.TestCase) -> str:
    return getattr(test, "_testMethodName", str(test))


@dataclass(frozen=True)
class CheckSelection:
    names: frozenset[str]
    """Check names and test method names without ``test_``; empty selects everything."""

    @classmethod
    def of(cls, requested: Iterable[str], tests: Iterable[unittest.TestCase]) -> CheckSelection:
        """The selection ``requested`` makes among ``tests``; :exc:`UnknownCheck` for a name
        that selects none of them."""
        tests = list(tests)
        checks = {describe_test(test)[0] for test in tests}
        known = checks | {_method_name(test).removeprefix("test_") for test in tests}
        names, unknown = set(), []
        for name in requested:
            stem = name if name in known else name.removeprefix("test_")
            if stem in known:
                names.add(stem)
            else:
                unknown.append(name)
        if unknown:
            raise UnknownCheck(unknown, checks)
        return cls(frozenset(names))

    def among(self, tests: Iterable[unittest.TestCase], backend: str) -> list[unittest.TestCase]:
        """The selected ``tests`` of ``backend``; :exc:`UnknownCheck` if there are none."""
        tests = list(tests)
        chosen = [test for test in tests if self.includes(test)]
        if tests and not chosen:
            raise UnknownCheck(sorted(self.names), {describe_test(t)[0] for t in tests}, backend)
        return chosen

    def includes(self, test: unittest.TestCase) -> bool:
        if not self.names:
            return True
        stem = _method_name(test).removeprefix("test_")
        return stem in self.names or describe_test(test)[0] in self.names
