"""``--check NAME``: a name that selects nothing is an error, not an empty run that passes.

Names are accepted as the docs write them (``authentication_parity``) and as
pytest and ``expected_failures`` write them (``test_`` prefix, mode suffix).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from auth_backend_sdk.testing import AuthBackendContract
from auth_backend_sdk.testing._runner import plan_contracts
from auth_backend_sdk.testing._selection import UnknownCheck
from docs.examples.check_command import check

MODEL_BACKEND = "reference_backends.ModelBackend"


class AuthenticatesOnly:
    """A backend with no permission methods: its contract has no permission checks."""

    def authenticate(self, request: Any, username: Any = None, password: Any = None) -> None:
        return None


ONLY_AUTHENTICATES = f"{__name__}.AuthenticatesOnly"


class ContractWithARuleOfItsOwn(AuthBackendContract):
    """A project's contract class, with a test method of its own besides the checks."""

    backend = ONLY_AUTHENTICATES

    def test_refuses_everyone(self) -> None:
        assert self.get_backend().authenticate(None, username="anyone", password="x") is None


def test_a_name_that_is_no_check_exits_2_listing_the_checks() -> None:
    done = check(MODEL_BACKEND, "--check", "authentication_parity", "--check", "authentcation")
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(
        "auth-backend-sdk check: error: --check: no check is named 'authentcation'; "
        "the checks are: anonymous_users_have_no_permissions, authentication_parity, "
    )
    assert "wrong_credentials_give_none (a name may also end in _sync or _async" in line


def test_names_as_pytest_and_expected_failures_write_them_select_those_tests() -> None:
    done = check(
        MODEL_BACKEND,
        "--check",
        "test_wrong_credentials_give_none_async",
        "--check",
        "get_user_returns_the_user_sync",
        "--check",
        "test_authentication_parity",
        "--check",
        "valid_credentials_authenticate",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    assert sorted(r["test"] for r in report["checks"]) == [
        "test_authentication_parity",
        "test_get_user_returns_the_user_sync",
        "test_valid_credentials_authenticate_async",
        "test_valid_credentials_authenticate_sync",
        "test_wrong_credentials_give_none_async",
    ]


def test_an_unknown_name_fails_before_anything_runs() -> None:
    with pytest.raises(UnknownCheck, match=r"no check is named 'permission_parity_sync'"):
        plan_contracts([MODEL_BACKEND], only=["permission_parity", "permission_parity_sync"])


def test_a_name_may_name_a_check_of_another_backend_of_the_run() -> None:
    only = ["permission_parity", "wrong_credentials_give_none"]
    model_backend, authenticates_only = plan_contracts(
        [MODEL_BACKEND, ONLY_AUTHENTICATES], only=only
    )
    assert sorted(t._testMethodName for t in authenticates_only.tests) == [
        "test_wrong_credentials_give_none_async",
        "test_wrong_credentials_give_none_sync",
    ]
    assert "test_permission_parity" in {t._testMethodName for t in model_backend.tests}
    with pytest.raises(UnknownCheck, match="no check is named 'permission_parity'"):
        plan_contracts([ONLY_AUTHENTICATES], only=only)


def test_a_contract_s_own_test_methods_are_names_too() -> None:
    (plan,) = plan_contracts(
        [ONLY_AUTHENTICATES], sys.modules[__name__], only=["test_refuses_everyone"]
    )
    assert [t._testMethodName for t in plan.tests] == ["test_refuses_everyone"]


def test_a_selection_that_selects_nothing_of_one_backend_fails_before_anything_runs() -> None:
    with pytest.raises(
        UnknownCheck, match=f"'permission_parity' names no check of {ONLY_AUTHENTICATES}"
    ):
        plan_contracts([MODEL_BACKEND, ONLY_AUTHENTICATES], only=["permission_parity"])
    done = check(MODEL_BACKEND, ONLY_AUTHENTICATES, "--check", "permission_parity")
    assert done.returncode == 2
    assert done.stdout == ""
