"""The suite fails each single-defect variant of the reference ModelBackend, and passes controls.

The mutants and controls are ``bench/mutants.py``'s; ``python -m bench.suite_strength``
prints which checks catch each one. A mutant no check fails is a gap in the
contract: strengthen the suite, never drop the mutant. Each mutant runs until
its first failing check (the whole suite, for the controls), with the contract the
bench gives them: drop-ins, held to ModelBackend's answers.
"""

from __future__ import annotations

import unittest

import pytest

from auth_backend_sdk.testing._runner import plan_contracts, run_contracts
from bench import mutant_contracts
from bench.mutants import CONTROLS, MUTANTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _path(backend: type) -> str:
    return f"{backend.__module__}.{backend.__qualname__}"


def first_failure(path: str) -> str | None:
    """The first contract test that fails against the backend at ``path``, if any."""
    (plan,) = plan_contracts([path], mutant_contracts)
    result = unittest.TestResult()
    result.failfast = True
    unittest.TestSuite(plan.tests).run(result)
    failed = [test for test, _ in (*result.failures, *result.errors)]
    failed += list(result.unexpectedSuccesses)
    return getattr(failed[0], "_testMethodName", str(failed[0])) if failed else None


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__qualname__)
def test_the_suite_catches_each_mutant(mutant: type) -> None:
    assert first_failure(_path(mutant)) is not None, f"no check fails {mutant.__doc__}"


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.__qualname__)
def test_the_controls_pass_every_check(control: type) -> None:
    (report,) = run_contracts([_path(control)], contract_module=mutant_contracts)
    failed = {r.test: r.detail for r in report.results if r.counts_as_failure}
    assert failed == {}
    assert report.count("passed") > 40
