"""The checks of Django's documented promises fail the backends that break them, and say how.

The backends are single-defect variants of the reference ``ModelBackend``
(``bench/mutants.py``), Django's own where its async side breaks a promise,
and ``broken.py``'s. Each test runs the check through the same runner as the
``check`` command, with the contract the bench gives its mutants (a drop-in for
Django's ``ModelBackend``, held to its answers), and reads the report.
"""

from __future__ import annotations

import unittest

import pytest
from django.test import TestCase, override_settings

from auth_backend_sdk.testing import AuthBackendContract, PermissionBackendContract
from auth_backend_sdk.testing._runner import run_contracts
from bench import mutant_contracts

pytestmark = pytest.mark.django_db(transaction=True)


def failures(path: str, *checks: str) -> dict[str, str]:
    (report,) = run_contracts([path], contract_module=mutant_contracts, only=checks)
    return {r.test: r.detail for r in report.results if r.counts_as_failure}


def test_a_login_that_skips_the_hash_for_unknown_users_fails_in_that_mode() -> None:
    failed = failures("bench.mutants.AsyncDummyHashSkipped", "unknown_users_cost_one_hash")
    assert set(failed) == {"test_unknown_users_cost_one_hash_async"}
    detail = failed["test_unknown_users_cost_one_hash_async"]
    assert "a username nobody has" in detail
    assert ": 0 runs, returned None" in detail
    assert "Django ticket #20760" in detail


def test_an_upgraded_hash_left_unsaved_fails_the_upgrade_and_what_parity_stores() -> None:
    failed = failures(
        "bench.mutants.AsyncUpgradeNotSaved",
        "outdated_hashes_are_upgraded_on_login",
        "authentication_parity",
    )
    assert set(failed) == {
        "test_outdated_hashes_are_upgraded_on_login_async",
        "test_authentication_parity",
    }
    assert "kept the outdated hash" in failed["test_outdated_hashes_are_upgraded_on_login_async"]
    parity = failed["test_authentication_parity"]
    assert "parity: aauthenticate stored other rows than authenticate" in parity
    assert "login='valid, outdated hash'" in parity
    assert "{'password': 'a md5 hash matching the password'}" in parity
    assert "async stored: nothing" in parity


def test_an_upgrade_saving_the_whole_user_fails() -> None:
    failed = failures(
        "bench.mutants.AsyncUpgradeSavesTheWholeUser", "outdated_hashes_are_upgraded_on_login"
    )
    assert set(failed) == {"test_outdated_hashes_are_upgraded_on_login_async"}
    detail = failed["test_outdated_hashes_are_upgraded_on_login_async"]
    assert "saved the whole user to store the upgraded hash" in detail


def test_aget_user_letting_inactive_users_in_fails_get_user_parity() -> None:
    failed = failures("bench.mutants.AsyncGetUserSkipsUserCanAuthenticate", "get_user_parity")
    detail = failed["test_get_user_parity"]
    assert "parity: aget_user diverged from get_user" in detail
    assert "user='an inactive user'" in detail
    assert "sync:   returned None" in detail


def test_a_permission_cache_filled_in_one_mode_only_fails_cache_parity() -> None:
    failed = failures("bench.mutants.AsyncPermissionCacheNeverFilled", "permission_cache_parity")
    detail = failed["test_permission_cache_parity"]
    assert "parity: aget_all_permissions diverged from get_all_permissions" in detail
    assert "sync:   returned {'auth.add_group'}" in detail


def test_a_swallowed_permission_denied_of_a_hook_fails() -> None:
    failed = failures(
        "bench.mutants.AsyncPermissionDeniedSwallowed",
        "user_can_authenticate_refusals_cross_unchanged",
    )
    detail = failed["test_user_can_authenticate_refusals_cross_unchanged"]
    assert "ignored the refusal" in detail
    assert "LockingOutSubclass(AsyncPermissionDeniedSwallowed)" in detail


def test_with_perm_disagreeing_with_has_perm_fails() -> None:
    failed = failures(
        "bench.mutants.GroupPermissionsFromTheWrongSource", "with_perm_lists_whom_has_perm_grants"
    )
    assert set(failed) == {
        "test_with_perm_lists_whom_has_perm_grants_sync",
        "test_with_perm_lists_whom_has_perm_grants_async",
    }
    detail = failed["test_with_perm_lists_whom_has_perm_grants_sync"]
    assert "listed only:  ['a grant through a group only', 'direct and group grants']" in detail


def test_permissions_of_an_inactive_superuser_fail_on_every_run() -> None:
    failed = failures(
        "bench.mutants.InactiveSuperusersGetEverything",
        "inactive_users_have_no_permissions",
        "permission_parity",
    )
    assert set(failed) == {
        "test_inactive_users_have_no_permissions_sync",
        "test_inactive_users_have_no_permissions_async",
        "test_permission_parity",
    }
    assert "inactive superuser" in failed["test_inactive_users_have_no_permissions_sync"]
    assert "who='an inactive superuser'" in failed["test_permission_parity"]


def test_each_source_of_a_grant_is_reached_without_generated_inputs() -> None:
    """The explicit cases alone (one generated example) reach the superuser a mutant mishandles."""
    contract = type(
        "OneExample",
        (AuthBackendContract, PermissionBackendContract, TestCase),
        {"backend": "bench.mutants.AsyncSuperuserNotHandled", "hypothesis_examples": 1},
    )
    result = unittest.TestResult()
    unittest.TestSuite([contract("test_permission_parity")]).run(result)  # with setUpClass()
    (failure,) = [detail for _, detail in result.failures]
    assert "who='a superuser'" in failure


def test_a_module_permission_by_prefix_fails() -> None:
    failed = failures("bench.mutants.ModulePermissionsByPrefix", "has_perm_follows_grants")
    assert set(failed) == {
        "test_has_perm_follows_grants_sync",
        "test_has_perm_follows_grants_async",
    }
    assert "args=('aut',)" in failed["test_has_perm_follows_grants_sync"]


def test_a_username_matched_in_another_case_in_one_mode_fails_parity() -> None:
    failed = failures("bench.mutants.AsyncUsernameCaseInsensitive", "authentication_parity")
    detail = failed["test_authentication_parity"]
    assert "login='valid, username in another case'" in detail
    assert "sync:   returned None" in detail


def test_remote_user_hooks_skipped_in_async_fail_in_async_only() -> None:
    failed = failures(
        "tests.auth.contract.broken.RemoteUserHooksSkippedInAsync", "remote_user_hooks_are_followed"
    )
    assert set(failed) == {"test_remote_user_hooks_are_followed_async"}
    detail = failed["test_remote_user_hooks_are_followed_async"]
    assert "aauthenticate (async) did not follow the subclass's hooks" in detail
    assert "configure_user() calls (the request given?, username, created): []" in detail


def test_djangos_async_side_bypasses_overrides_of_permission_methods() -> None:
    failed = failures(
        "django.contrib.auth.backends.ModelBackend",
        "subclass_overriding_get_user_permissions_is_followed",
        "subclass_raising_permission_denied_is_followed",
    )
    assert set(failed) == {
        "test_subclass_overriding_get_user_permissions_is_followed_async",
        "test_subclass_raising_permission_denied_is_followed_async",
    }
    raising = failed["test_subclass_raising_permission_denied_is_followed_async"]
    assert "RaisingSubclass(ModelBackend).has_perm() raises PermissionDenied" in raising
    assert "got: returned False" in raising


@pytest.mark.parametrize(
    ("backend", "caught"),
    [
        ("reference_backends.ModelBackend", False),
        ("tests.auth.contract.broken.UsernameFieldIgnored", True),
    ],
)
def test_a_password_backend_takes_the_username_under_username_field(
    backend: str, caught: bool
) -> None:
    with override_settings(AUTH_USER_MODEL="testapp.EmailUser"):  # USERNAME_FIELD = "email"
        failed = failures(backend, "valid_credentials_authenticate")
    if not caught:
        assert failed == {}
        return
    assert set(failed) == {
        "test_valid_credentials_authenticate_sync",
        "test_valid_credentials_authenticate_async",
    }
    detail = failed["test_valid_credentials_authenticate_async"]
    assert "the username given under the user model's USERNAME_FIELD" in detail
    assert "email='contract-user-" in detail


def test_a_remote_user_backend_letting_inactive_users_in_fails_the_oracle() -> None:
    failed = failures(
        "tests.auth.contract.broken.RemoteUserSkipsUserCanAuthenticate", "authentication_parity"
    )
    detail = failed["test_authentication_parity"]
    assert "disagrees with Django's tables (the oracle)" in detail
    assert "login='valid, inactive user'" in detail
    assert "expected: returned None" in detail


def test_with_perm_listing_users_for_an_object_fails_without_object_permissions() -> None:
    failed = failures(
        "tests.auth.contract.broken.WithPermIgnoresObjects", "with_perm_lists_whom_has_perm_grants"
    )
    assert set(failed) == {
        "test_with_perm_lists_whom_has_perm_grants_sync",
        "test_with_perm_lists_whom_has_perm_grants_async",
    }
    assert (
        "listed users, without object permissions"
        in failed["test_with_perm_lists_whom_has_perm_grants_sync"]
    )


def test_permissions_never_cached_in_either_mode_fail_the_cache_oracle() -> None:
    failed = failures("bench.mutants.PermissionsNeverCached", "permission_cache_parity")
    detail = failed["test_permission_cache_parity"]
    assert "ModelBackend answers from the user object's cache until it is reloaded" in detail
    assert "expected: returned {'auth.add_group'}" in detail


def test_usernames_matched_in_another_case_in_both_modes_fail_the_login_oracle() -> None:
    failed = failures("bench.mutants.UsernameCaseInsensitive", "authentication_parity")
    detail = failed["test_authentication_parity"]
    assert "disagrees with Django's tables (the oracle)" in detail
    assert "login='valid, username in another case'" in detail
