"""The ``check`` command's verdicts on real backends of each kind, from PyPI.

Six packages, each class as shipped and adapted with ``dual_mode()``, with and without a
contract module (the runs: ``conftest.py``). Every check runs in sync and in async mode:

* as shipped, each class fails, and only where its async side is wrong (an async-mode
  check, or a check comparing both modes or reading the class): the sync side is the
  package's own behaviour;
* adapted, it passes: without a contract module incompletely (the checks that need a hook
  are *not run*, each naming the hook), with one completely (``--strict`` exits 0);
* no check is ever reported failed because a hook is missing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import KINDS, TEST_ADAPTED, Kind, Run

FAILED = ("failed", "error", "unexpected success")
BY_NAME = pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])

# What must fail for each class as shipped (other checks may fail too, on the async side):
# read from the class alone, or found by running it.
STRUCTURE = "each_pair_follows_one_definition"
HAS_PERM_OVERRIDE = "subclass_overriding_has_perm_is_followed (async)"
LOGIN_FAILURES = {
    "django_dispatch_finds_the_backend (async)",
    "subclass_overriding_authenticate_is_followed (async)",
    "valid_credentials_authenticate (async)",
    "authentication_parity",
}
EXPECTED_WITHOUT_CONTRACT = {
    # No aauthenticate, no aget_user: Django's aauthenticate() and aget_user() crash.
    "header token": {
        STRUCTURE,
        "get_user_does_not_block_the_event_loop (async)",
        "get_user_of_unknown_id_is_none (async)",
        "get_user_returns_the_user (async)",
        "login_does_not_block_the_event_loop (async)",
        "thread_hops_of_get_user (async)",
        "thread_hops_of_login (async)",
    },
    # ModelBackend subclasses: the async login is ModelBackend's, and so is ahas_perm.
    "SAML assertion": {STRUCTURE, HAS_PERM_OVERRIDE},
    "OIDC code flow": {STRUCTURE, HAS_PERM_OVERRIDE},
    "token credential": {STRUCTURE, HAS_PERM_OVERRIDE},
    # authenticate(*args, **kwargs) takes any login and has no aauthenticate: the structure
    # check says so (the class is read as a permission backend: no login checks).
    "object permissions": {STRUCTURE},
    # Django never calls its authenticate(**kwargs); ahas_perm is missing.
    "permission only": {STRUCTURE},
}
OBJECT_PERMISSION_FAILURES = {
    STRUCTURE,
    HAS_PERM_OVERRIDE,
    "object_grants_apply_to_that_object_only (async)",
    "permission_parity",
}
EXPECTED_WITH_CONTRACT = {
    "header token": EXPECTED_WITHOUT_CONTRACT["header token"]
    | LOGIN_FAILURES
    | {"unknown_credentials_give_none (async)", "wrong_credentials_give_none (async)"},
    "SAML assertion": {STRUCTURE, HAS_PERM_OVERRIDE, "unknown_credentials_create_the_user (async)"}
    | LOGIN_FAILURES,
    # The async login never asks the provider: a refused code gives None, not HTTPError.
    "OIDC code flow": {STRUCTURE, HAS_PERM_OVERRIDE, "unknown_credentials_create_the_user (async)"}
    | LOGIN_FAILURES
    | {"wrong_credentials_give_none (async)"},
    # The async login ignores the token, so bad tokens cannot fail it.
    "token credential": {
        STRUCTURE,
        HAS_PERM_OVERRIDE,
        "bad_credentials_are_refused_quietly (async)",
    }
    | LOGIN_FAILURES,
    "object permissions": OBJECT_PERMISSION_FAILURES,
    "permission only": OBJECT_PERMISSION_FAILURES,
}


# The contracts' expected_failures (tests/auth/contract/kinds/contracts.py): each a deviation of the
# package from Django's contract, the same in both modes.
ACCEPTED = {
    "tests.auth.contract.kinds.backends.OIDCAuthenticationBackend": {
        "test_wrong_credentials_give_none_sync",
        "test_wrong_credentials_give_none_async",
    },
    "tests.auth.contract.kinds.backends.SesameBackend": {
        "test_bad_credentials_are_refused_quietly_sync",
        "test_bad_credentials_are_refused_quietly_async",
    },
}


def label(check: dict[str, Any]) -> str:
    return f"{check['check']} ({check['mode']})" if check["mode"] else check["check"]


def failed(report: dict[str, Any]) -> set[str]:
    return {label(check) for check in report["checks"] if check["status"] in FAILED}


def expect_true_failures(report: dict[str, Any]) -> None:
    """Failures only on the async side, none for a missing hook; each check not run names one."""
    for check in report["checks"]:
        if check["status"] in FAILED:
            assert check["mode"] in ("async", None), check
            assert "hook" not in check["detail"].lower(), check
        if check["status"] == "not run":
            assert re.fullmatch(r"\w+\(\)( or \w+\(\))?", check["needs"]), check


@BY_NAME
def test_as_shipped_without_a_contract_it_fails_where_async_is_wrong(
    kind: Kind, kinds_runs: dict[str, Run]
) -> None:
    run = kinds_runs["shipped, no contract"]
    assert run.returncode == 1, run.stderr
    report = run.reports()[kind.shipped]
    assert not report["ok"]
    assert failed(report) >= EXPECTED_WITHOUT_CONTRACT[kind.name]
    assert report["verdict"].startswith("FAIL: ")
    expect_true_failures(report)


@BY_NAME
def test_adapted_without_a_contract_it_passes_what_can_be_judged(
    kind: Kind, kinds_runs: dict[str, Run]
) -> None:
    run = kinds_runs["adapted, no contract"]
    report = run.reports()[kind.adapted]
    assert (report["ok"], report["complete"]) == (True, False)
    assert report["passed"] >= 4
    assert STRUCTURE not in failed(report)
    assert report["verdict"].startswith(f"PASS: {report['passed']} checks passed; not run, ")
    expect_true_failures(report)


@BY_NAME
def test_as_shipped_with_the_contract_it_fails_every_async_check_it_breaks(
    kind: Kind, kinds_runs: dict[str, Run]
) -> None:
    run = kinds_runs["contract"]
    assert run.returncode == 1, run.stderr
    report = run.reports()[kind.shipped]
    assert report["complete"], report["missing_hooks"]
    assert failed(report) >= EXPECTED_WITH_CONTRACT[kind.name]
    expect_true_failures(report)


@pytest.mark.parametrize("path", TEST_ADAPTED)
def test_adapted_with_the_contract_it_passes_completely(
    path: str, kinds_runs: dict[str, Run]
) -> None:
    report = kinds_runs["contract"].reports()[path]
    assert (report["ok"], report["complete"], report["not_run"]) == (True, True, 0)
    # Each deviation of the package from Django's contract is accepted by name, and seen.
    accepted = {c["test"] for c in report["checks"] if c["status"] == "expected failure"}
    assert accepted == ACCEPTED[path]


def test_the_docs_contracts_give_a_complete_pass(kinds_runs: dict[str, Run]) -> None:
    run = kinds_runs["docs"]
    assert run.returncode == 0, run.stdout + run.stderr  # --strict: all ran, all passed
    verdicts = re.findall(r"^  => (.*)$", run.stdout, re.MULTILINE)
    assert len(verdicts) == 4
    assert all(re.fullmatch(r"PASS: \d+ checks passed", verdict) for verdict in verdicts)
    assert run.stdout.count(" 0 failed, 0 not run, ") == 4
