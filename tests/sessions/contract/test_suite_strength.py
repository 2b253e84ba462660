"""The session contract fails each held-out defective db store, and passes the controls.

The stores are ``bench/session_mutants.py``'s; ``python -m bench.session_suite_strength``
prints which checks catch each. A mutant is caught by a check Django's own db store passes
(Django's store fails the subclass checks: no mutant is credited with those). A missed
mutant is a gap in the contract: strengthen the suite, never drop the mutant.
"""

from __future__ import annotations

import os

import django
import pytest

from bench import session_suite_strength as strength

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("ABS_TEST_DATABASE") == "postgresql" or django.VERSION[:2] < (6, 1),
        reason="a measure of the suite, taken once per make test: on the newest Django line, "
        "with the check command's own throwaway SQLite database",
    ),
]


def test_the_session_contract_catches_every_mutant_and_passes_every_control() -> None:
    mutants, controls = strength.mutants_and_controls()
    reports = strength.run_check(strength.check_command([strength.ORACLE, *controls, *mutants]))
    rows = strength.verdicts(reports, mutants, controls)
    assert {row["store"]: row["verdict"] for row in rows if not row["ok"]} == {}
    assert sum(not row["control"] for row in rows) == len(mutants) >= 20
