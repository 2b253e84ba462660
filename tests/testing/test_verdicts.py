"""Verdicts without a contract module, and complete ones with it: never a false FAIL or PASS.

A check that cannot run for want of a hook is *not run*, names the hook, and
counts neither as passed nor failed; ``--strict`` makes an incomplete verdict
exit 3. Backends are read as Django reads them.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from auth_backend_sdk.testing import Capability, explain_capabilities, infer_capabilities
from auth_backend_sdk.testing._runner import (
    BackendReport,
    ContractModuleMismatch,
    plan_contracts,
    run_contracts,
)
from docs.examples.check_command import check

from . import verdict_backends, verdict_oracle_contract
from .verdict_backends import NoRequestPermissionBackend

HERE = verdict_backends.__name__
pytestmark = pytest.mark.django_db(transaction=True)


def statuses(report: BackendReport) -> dict[str, str]:
    return {result.test: result.status for result in report.results}


def test_checks_needing_a_hook_are_not_run_and_name_it() -> None:
    (report,) = run_contracts([f"{HERE}.AdaptedHeaderTokenBackend"])
    login_checks = [r for r in report.results if r.check == "valid_credentials_authenticate"]
    assert [r.status for r in login_checks] == ["not run", "not run"]
    assert {r.needs for r in login_checks} == {"user_credentials() or valid_login()"}
    assert "not run: write the user_credentials() hook (or valid_login())" in login_checks[0].detail
    assert report.ok
    assert not report.complete
    assert report.verdict.startswith("PASS: ")
    assert "not run, for want of a hook: user_credentials() or valid_login() (" in report.verdict
    # What needs no hook ran: the structure, get_user of an existing user, stalls, hops.
    ran = {r.check for r in report.results if r.status == "passed"}
    assert {
        "each_pair_follows_one_definition",
        "get_user_returns_the_user",
        "get_user_does_not_block_the_event_loop",
        "thread_hops_of_get_user",
    } <= ran


def test_the_class_as_shipped_and_adapted_get_different_verdicts_without_hooks() -> None:
    shipped, adapted = run_contracts(
        [f"{HERE}.HeaderTokenBackend", f"{HERE}.AdaptedHeaderTokenBackend"]
    )
    assert not shipped.ok
    assert statuses(shipped)["test_each_pair_follows_one_definition"] == "failed"
    assert adapted.ok
    # A missing hook is never a failure.
    assert not [r for r in shipped.results if r.counts_as_failure and "hook" in r.detail]


def test_with_the_hooks_the_verdict_is_complete_and_the_request_reaches_the_backend() -> None:
    shipped, adapted = run_contracts(
        [f"{HERE}.HeaderTokenBackend", f"{HERE}.AdaptedHeaderTokenBackend"],
        contract_module=verdict_backends,
    )
    assert adapted.complete, adapted.missing_hooks()
    assert adapted.ok, [r for r in adapted.results if r.counts_as_failure]
    assert statuses(adapted)["test_valid_credentials_authenticate_async"] == "passed"
    assert statuses(adapted)["test_authentication_parity"] == "passed"
    assert statuses(adapted)["test_bad_credentials_are_refused_quietly_sync"] == "skipped"
    failed = {r.test for r in shipped.results if r.counts_as_failure}
    assert {
        "test_each_pair_follows_one_definition",
        "test_valid_credentials_authenticate_async",
    } <= failed


def test_a_class_whose_authenticate_cannot_take_a_request_is_read_as_a_permission_backend() -> None:
    assert infer_capabilities(NoRequestPermissionBackend) == {Capability.PERMISSION_CHECKS}
    reasons = [inference.reason for inference in explain_capabilities(NoRequestPermissionBackend)]
    assert reasons[0] == (
        "not a login backend: authenticate(username, password) cannot take the request Django "
        "passes first, so Django skips it for every login"
    )
    shipped, adapted = run_contracts(
        [f"{HERE}.NoRequestPermissionBackend", f"{HERE}.AdaptedNoRequestPermissionBackend"]
    )
    assert shipped.contracts == adapted.contracts == ["PermissionBackendContract"]
    assert not shipped.ok
    assert statuses(shipped)["test_each_pair_follows_one_definition"] == "failed"
    assert adapted.ok
    assert statuses(adapted)["test_permission_parity"] == "passed"
    # Django never calls its authenticate(): no login check, and no structure failure for it.
    assert not [r for r in adapted.results if "credentials" in r.check]


def test_a_backend_that_needs_settings_is_not_run_rather_than_failed() -> None:
    (report,) = run_contracts([f"{HERE}.NeedsSettingsBackend"])
    assert report.ok
    assert {r.needs for r in report.results if r.status == "not run"} >= {"get_backend()"}
    detail = next(r.detail for r in report.results if r.needs == "get_backend()")
    assert "Setting TOKEN_ISSUER not found" in detail


def test_a_contract_module_naming_other_backends_is_an_error() -> None:
    with pytest.raises(ContractModuleMismatch, match="has no contract for reference_backends"):
        plan_contracts(["reference_backends.ModelBackend"], verdict_backends)
    done = check(
        "reference_backends.ModelBackend", "--contract", HERE, "--settings", "tests.settings"
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(
        f"auth-backend-sdk check: error: --contract: {HERE} has no contract for "
        "reference_backends.ModelBackend: its contract classes name other backends: "
    )
    assert f"TestAdaptedHeaderTokenBackend ({HERE}.AdaptedHeaderTokenBackend)" in line


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        ([f"{HERE}.AdaptedHeaderTokenBackend"], 0),
        ([f"{HERE}.AdaptedHeaderTokenBackend", "--strict"], 3),
        ([f"{HERE}.AdaptedHeaderTokenBackend", "--strict", "--contract", HERE], 0),
        ([f"{HERE}.HeaderTokenBackend", "--strict"], 1),
    ],
)
def test_strict_exits_3_for_an_incomplete_verdict(arguments: list[str], status: int) -> None:
    done = check(*arguments, "--settings", "tests.settings")
    assert done.returncode == status, done.stdout + done.stderr


def test_pytest_shows_a_check_not_run_as_skipped_naming_the_hook() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rs",
            "-k",
            "valid_credentials_authenticate",
            "tests/testing/verdict_without_hooks.py",
        ],
        capture_output=True,
        text=True,
        # Its own SQLite test database: not the PostgreSQL one this run is using.
        env={**os.environ, "ABS_TEST_DATABASE": "sqlite"},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert "2 skipped" in done.stdout
    assert "not run: write the user_credentials() hook (or valid_login())" in done.stdout


def test_a_method_sharing_a_hooks_name_is_not_a_pair_django_calls() -> None:
    from django.core.checks import run_checks
    from django.test import override_settings

    (report,) = run_contracts(
        [f"{HERE}.OwnConfigureUserBackend"], only=["each_pair_follows_one_definition"]
    )
    assert statuses(report) == {"test_each_pair_follows_one_definition": "passed"}
    with override_settings(AUTHENTICATION_BACKENDS=[f"{HERE}.OwnConfigureUserBackend"]):
        assert [m.id for m in run_checks(tags=["auth_backends"])] == []


def test_a_first_parameter_named_req_still_takes_the_request() -> None:
    inferred = infer_capabilities(verdict_backends.ReqNamedBackend)
    assert Capability.OTHER_CREDENTIALS in inferred


def test_password_logins_agree_catches_an_async_side_that_takes_passwords() -> None:
    shipped, adapted, keyword = run_contracts(
        [
            f"{HERE}.SamlLikeBackend",
            f"{HERE}.AdaptedSamlLikeBackend",
            f"{HERE}.AdaptedKeywordPasswordBackend",
        ],
        only=["password_logins_agree"],
    )
    assert statuses(shipped) == {"test_password_logins_agree": "failed"}
    assert "answers a username and password differently" in shipped.results[0].detail
    # A backend that takes passwords on purpose, through **credentials, answers alike.
    assert statuses(adapted) == statuses(keyword) == {"test_password_logins_agree": "passed"}


def test_the_oracle_leaves_a_deliberate_override_alone_unless_told() -> None:
    path = f"{HERE}.AdaptedCaseInsensitiveBackend"
    (report,) = run_contracts([path], only=["authentication_parity"])
    assert statuses(report) == {"test_authentication_parity": "passed"}
    (held,) = run_contracts(
        [path], contract_module=verdict_oracle_contract, only=["authentication_parity"]
    )
    assert statuses(held) == {"test_authentication_parity": "failed"}
    assert "oracle" in held.results[0].detail


def test_nothing_run_is_not_verified_and_strict_exits_3() -> None:
    (report,) = run_contracts(
        [f"{HERE}.AdaptedHeaderTokenBackend"], only=["valid_credentials_authenticate"]
    )
    assert report.verdict.startswith("NOT VERIFIED: no check ran; not run, for want of a hook")
    assert report.ok
    assert not report.complete
    done = check(
        f"{HERE}.AdaptedHeaderTokenBackend",
        *("--check", "valid_credentials_authenticate", "--strict", "--settings", "tests.settings"),
    )
    assert done.returncode == 3


def test_a_contract_class_naming_a_backend_that_does_not_load_is_an_error() -> None:
    done = check(
        "reference_backends.ModelBackend",
        *("--contract", "tests.testing.verdict_typo_contract", "--settings", "tests.settings"),
    )
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert "TypoContract names reference_backends.ModelBackned, which cannot be loaded" in line


def test_a_catch_all_authenticate_is_a_login_backend_once_its_contract_writes_login_hooks() -> None:
    from auth_backend_sdk.testing import AuthBackendContract, Login

    backend = f"{HERE}.CatchAllPermissionBackend"
    assert infer_capabilities(verdict_backends.CatchAllPermissionBackend) == {
        Capability.PERMISSION_CHECKS
    }

    class WithoutHooks(AuthBackendContract):
        pass

    class WithHooks(AuthBackendContract):
        def valid_login(self, user: object) -> Login:
            return Login({"token": "t"})

    WithoutHooks.backend = WithHooks.backend = backend
    assert Capability.OTHER_CREDENTIALS not in WithoutHooks.declared_capabilities()
    assert Capability.OTHER_CREDENTIALS in WithHooks.declared_capabilities()
