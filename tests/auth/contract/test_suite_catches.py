"""The suite fails backends that break the contract, and says what diverged.

Each test runs the contract (through the same runner as the ``check``
command) against a backend of ``broken.py`` and reads the report.
"""

from __future__ import annotations

import pytest

from auth_backend_sdk.testing import Capability, ContractHooks, Mode, PermissionBackendContract
from auth_backend_sdk.testing._runner import BackendReport, run_contracts
from reference_backends import ModelBackend

pytestmark = pytest.mark.django_db(transaction=True)


def run(path: str, *checks: str) -> BackendReport:
    (report,) = run_contracts([path], only=checks)
    return report


def failures(report: BackendReport) -> dict[str, str]:
    return {r.test: r.detail for r in report.results if r.counts_as_failure}


def test_a_logged_password_fails_bad_input_without_repeating_it() -> None:
    report = run("tests.auth.contract.broken.LeakyBackend", "bad_credentials_are_refused_quietly")
    failed = failures(report)
    assert set(failed) == {
        "test_bad_credentials_are_refused_quietly_sync",
        "test_bad_credentials_are_refused_quietly_async",
    }
    detail = failed["test_bad_credentials_are_refused_quietly_async"]
    assert "username=none: a credential value reached a log, warning or error" in detail
    assert ContractHooks.password not in detail
    assert "s3cr3t" not in detail


def test_a_cache_shared_between_users_fails_isolation() -> None:
    report = run("tests.auth.contract.broken.SharedCacheBackend", "grants_stay_with_their_user")
    failed = failures(report)
    assert set(failed) == {
        "test_grants_stay_with_their_user_sync",
        "test_grants_stay_with_their_user_async",
    }
    assert (
        "another user was granted these, not this one"
        in failed["test_grants_stay_with_their_user_sync"]
    )


def test_a_blocking_async_method_fails_the_event_loop_check() -> None:
    report = run(
        "tests.auth.contract.broken.BlockingBackend", "get_user_does_not_block_the_event_loop"
    )
    (failed,) = failures(report).values()
    assert "aget_user:" in failed
    assert "blocked the event loop longer than 50 ms" in failed
    assert report.measurements.stalls_ms["aget_user"] > 50


def test_an_async_side_that_diverges_fails_parity_with_both_results() -> None:
    report = run(
        "tests.auth.contract.broken.DivergingBackend",
        "permission_parity",
        "has_perm_follows_grants",
    )
    failed = failures(report)
    assert set(failed) == {"test_permission_parity", "test_has_perm_follows_grants_async"}
    parity = failed["test_permission_parity"]
    assert "parity: ahas_perm diverged from has_perm" in parity
    assert "sync:   returned False" in parity
    assert "async:  returned True" in parity


def test_shadowed_lockout_fails_and_passes_once_adapted() -> None:
    from tests.auth.contract import test_example_backends

    checks = ("permission_denied_crosses_unchanged",)
    as_written, adapted = run_contracts(
        ["tests.backends.LockoutBackend", "tests.wrapped.LockoutBackend"],
        contract_module=test_example_backends,
        only=checks,
    )
    written = {r.test: r.status for r in as_written.results}
    assert written == {
        "test_permission_denied_crosses_unchanged_sync": "passed",
        "test_permission_denied_crosses_unchanged_async": "expected failure",
    }
    assert [r.status for r in adapted.results] == ["passed", "passed"]


def test_undeclared_capabilities_are_skipped_not_passed() -> None:
    report = run("reference_backends.ModelBackend", "object_grants_apply_to_that_object_only")
    assert [r.status for r in report.results] == ["skipped", "skipped"]
    assert (
        report.results[0].detail == "needs object permissions, which ModelBackend does not declare"
    )
    assert report.count("passed") == 0
    assert report.ok


def test_capabilities_are_inferred_when_not_declared() -> None:
    report = run("django.contrib.auth.backends.RemoteUserBackend", "get_user_returns_the_user")
    assert report.capabilities_inferred
    assert Capability.CREATES_USERS in report.capabilities
    assert Capability.PASSWORD_CREDENTIALS not in report.capabilities


def test_expected_failures_must_name_real_tests() -> None:
    with pytest.raises(TypeError, match="expected_failures names no contract test: test_typo"):

        class TestMisspelt(PermissionBackendContract):
            backend = "reference_backends.ModelBackend"
            expected_failures = {"test_typo": "no such test"}


def test_a_contract_without_a_backend_says_so() -> None:
    class Nameless(PermissionBackendContract):
        pass

    with pytest.raises(TypeError, match="Nameless must set `backend`"):
        Nameless.load_backend_class()


def test_backend_mode_fixture_runs_each_mode(backend_mode: Mode, db: None) -> None:
    from django.contrib.auth.models import User

    user = User.objects.create_user("fixture-user", password="pw")
    backend = ModelBackend()
    assert backend_mode.call(backend, "get_user", user.pk) == user
    outcome = backend_mode.outcome(backend, "authenticate", None, username="fixture-user")
    assert outcome.method == backend_mode.method_name("authenticate", backend)
    assert outcome.key == ("returned", None)
