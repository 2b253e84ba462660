"""The documentation's examples (``docs/examples/``), on every Django version and database.

The docs build runs the pages' doctests once, on SQLite and the newest Django;
these tests hold the same examples to what the pages say in both modes across
the whole test matrix.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import rules
from asgiref.sync import async_to_sync
from django.contrib import auth
from django.contrib.auth.models import Group, User
from django.core.checks import run_checks
from django.core.exceptions import SynchronousOnlyOperation
from django.test import override_settings
from rules.predicates import is_staff

from auth_backend_sdk import describe
from auth_backend_sdk.auth.system_checks import TAG
from auth_backend_sdk.testing import (
    ASYNC,
    SYNC,
    AuthBackendContract,
    Mode,
    PermissionBackendContract,
)
from auth_backend_sdk.testing.harness import Check, ContractBase
from docs.examples import settings as docs_settings
from docs.examples.check_command import check
from docs.examples.checks import manage_py_check

# The contract classes and tests the pages include run here, as part of this module: the
# tutorial's (a TestCase) and the how-to guide's (a plain class, and a test using the
# plugin's backend_mode fixture).
from docs.examples.contract_under_pytest import (  # noqa: F401 (pytest collects them here)
    TestLockoutBackendUnderPytest,
    test_a_locked_out_account_is_refused,
)
from docs.examples.tutorial.test_contract import TestLockoutBackend  # noqa: F401

DOCS = Path(__file__).resolve().parent.parent / "docs"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
HAZARDS = "docs.examples.hazards"
ADAPTED = "docs.examples.auth_backends"


def backends(*paths: str) -> override_settings:
    return override_settings(AUTHENTICATION_BACKENDS=list(paths))


def login(mode: Mode, **credentials: Any) -> Any:
    return mode.call(auth, "authenticate", None, **credentials)


@pytest.fixture
def mallory(db: None) -> User:
    return User.objects.create_user("mallory", password="mallory-password")


# Hazard 1: the shadowed override.


def test_lockout_as_written_holds_only_in_sync_mode(mallory: User) -> None:
    with backends(f"{HAZARDS}.LockoutBackend"):
        assert login(SYNC, username="mallory", password="mallory-password") is None
        assert login(ASYNC, username="mallory", password="mallory-password") == mallory


@pytest.mark.parametrize("module", [ADAPTED, "docs.examples.own_backends"])
def test_lockout_adapted_or_written_with_the_mixin_holds_in_both_modes(
    backend_mode: Mode, module: str, mallory: User, alice: User
) -> None:
    with backends(f"{module}.LockoutBackend"):
        assert login(backend_mode, username="mallory", password="mallory-password") is None
        assert login(backend_mode, username="alice", password="alice-password") == alice
        assert login(backend_mode, username="alice", password="wrong") is None


# Hazard 2: the missing twin.


def test_permission_backend_as_written_denies_under_async_and_breaks_async_logins(
    alice: User,
) -> None:
    with backends(MODEL_BACKEND, f"{HAZARDS}.ReviewerPermissionBackend"):
        assert alice.has_perm("docs.review") is True
        assert async_to_sync(alice.ahas_perm)("docs.review") is False
        assert login(SYNC, username="alice", password="wrong") is None
        with pytest.raises(AttributeError, match="aauthenticate"):
            login(ASYNC, username="alice", password="wrong")


def test_permission_backend_adapted_grants_in_both_modes(
    backend_mode: Mode, alice: User, bob: User
) -> None:
    with backends(MODEL_BACKEND, f"{ADAPTED}.ReviewerPermissionBackend"):
        assert backend_mode.call(alice, "has_perm", "docs.review") is True
        assert backend_mode.call(bob, "has_perm", "docs.review") is False
        assert backend_mode.call(alice, "has_perm", "docs.publish") is False
        assert login(backend_mode, username="alice", password="wrong") is None


# Hazard 3: the async-only backend.


def test_async_only_backend_as_written_breaks_every_login(alice: User) -> None:
    with backends(f"{HAZARDS}.OneTimeCodeBackend"):
        for mode in (SYNC, ASYNC):
            with pytest.raises(AttributeError, match="'authenticate'"):
                login(mode, username="alice", code="424242")


@pytest.mark.parametrize("module", [ADAPTED, "docs.examples.own_backends"])
def test_async_only_backend_adapted_or_on_base_backend_works_in_both_modes(
    backend_mode: Mode, module: str, alice: User
) -> None:
    backend_path = f"{module}.OneTimeCodeBackend"
    with backends(backend_path):
        user = login(backend_mode, username="alice", code="424242")
        assert (user, user.backend) == (alice, backend_path)
        assert login(backend_mode, username="alice", code="000000") is None
        assert login(backend_mode, username="bob", code="424242") is None
        backend = auth.load_backend(backend_path)
        assert backend_mode.call(backend, "get_user", alice.pk) == alice


# The third-party backend of the how-to guide, and its rule, registered once (rules keeps
# its rules in a process-wide set).

PUBLISH = "docs.publish"
rules.add_perm(PUBLISH, is_staff)


def test_rules_backend_adapted_grants_in_both_modes(backend_mode: Mode, db: None) -> None:
    editor = User.objects.create_user("editor", is_staff=True)
    with backends("rules.permissions.ObjectPermissionBackend"):
        assert editor.has_perm(PUBLISH) is True
        assert async_to_sync(editor.ahas_perm)(PUBLISH) is False
    with backends(f"{ADAPTED}.ObjectPermissionBackend"):
        assert backend_mode.call(editor, "has_perm", PUBLISH) is True
        assert backend_mode.call(User.objects.create_user("author"), "has_perm", PUBLISH) is False


# Switching to the reference ModelBackend.


@pytest.fixture
def staff_member(alice: User) -> User:
    alice.groups.add(Group.objects.create(name="staff"))
    return alice


def test_hook_that_queries_fails_under_async_on_djangos_backend(staff_member: User) -> None:
    with backends("docs.examples.switch_before.StaffGroupBackend"):
        assert login(SYNC, username="alice", password="alice-password") == staff_member
        with pytest.raises(SynchronousOnlyOperation):
            login(ASYNC, username="alice", password="alice-password")


def test_hook_that_queries_holds_in_both_modes_on_the_reference_backend(
    backend_mode: Mode, staff_member: User, bob: User
) -> None:
    with backends("docs.examples.switch_after.StaffGroupBackend"):
        assert login(backend_mode, username="alice", password="alice-password") == staff_member
        assert login(backend_mode, username="bob", password="bob-password") is None


# The system checks, as the reference page shows them.


@pytest.mark.parametrize(
    ("path", "ids"),
    [
        (f"{HAZARDS}.LockoutBackend", ["auth_backend_sdk.E001"]),
        ("docs.examples.check_cases.CachedUserBackend", ["auth_backend_sdk.E002"]),
        (f"{HAZARDS}.ReviewerPermissionBackend", ["auth_backend_sdk.W003"] * 2),
        (f"{HAZARDS}.OneTimeCodeBackend", ["auth_backend_sdk.E004"] * 2),
        ("docs.examples.check_cases.AsyncReviewerBackend", ["auth_backend_sdk.W005"]),
        ("docs.examples.check_cases.ReviewerGrantsBackend", ["auth_backend_sdk.E007"]),
        (f"{ADAPTED}.LockoutBackend", []),
        (f"{ADAPTED}.ReviewerPermissionBackend", []),
        (f"{ADAPTED}.OneTimeCodeBackend", []),
        (f"{ADAPTED}.ObjectPermissionBackend", []),
        ("docs.examples.switch_before.StaffGroupBackend", ["auth_backend_sdk.W009"]),
        ("docs.examples.switch_after.StaffGroupBackend", []),
    ],
)
def test_each_example_gets_the_check_messages_the_docs_show(path: str, ids: list[str]) -> None:
    with backends(path):
        assert [message.id for message in run_checks(tags=[TAG])] == ids


def test_manage_py_check_output_of_a_clean_and_a_hazardous_list() -> None:
    assert manage_py_check([MODEL_BACKEND]) == "System check identified no issues (0 silenced)."
    report = manage_py_check([f"{HAZARDS}.LockoutBackend"])
    assert report.startswith("SystemCheckError: System check identified some issues:")
    assert "(auth_backend_sdk.E001)" in report
    assert report.endswith("System check identified 1 issue (0 silenced).")


def test_the_documented_settings_list_backends_that_pass_the_checks() -> None:
    assert "auth_backend_sdk" in docs_settings.INSTALLED_APPS
    with backends(*docs_settings.AUTHENTICATION_BACKENDS):
        assert run_checks(tags=[TAG]) == []
        for path in docs_settings.AUTHENTICATION_BACKENDS:
            assert describe(path).is_dual_mode


# Every Python snippet on a page is run: a doctest, or a file included from docs/examples.

UNTESTED_FENCE = re.compile(r"^\s*(```|~~~)\s*(python|py|pycon|python3)\s*$", re.MULTILINE)


def test_no_page_has_an_untested_python_code_block() -> None:
    pages = sorted(DOCS.rglob("*.md"))
    assert pages
    offenders = [
        f"{page.relative_to(DOCS)}: {match.group(0).strip()}"
        for page in pages
        if "_build" not in page.parts
        for match in UNTESTED_FENCE.finditer(page.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use a {doctest} block or a {literalinclude} of docs/examples"


# The tutorial's check command output, as the page shows it.

TUTORIAL = DOCS / "tutorial" / "dual_mode_in_five_minutes.md"


def shown_run(page: str, marker: str) -> tuple[list[str], list[str]]:
    """The arguments of the command shown before ``% check-output: <marker>``, and its output."""
    before, _, after = page.partition(f"% check-output: {marker}\n")
    command = before.rpartition("```sh\n")[2].partition("```")[0]
    arguments = shlex.split(command.replace("\\\n", " "))
    assert arguments[:4] == ["python", "-m", "auth_backend_sdk", "check"], command
    output = after.partition("```text\n")[2].partition("\n```")[0]
    return arguments[4:], output.splitlines()


def normalized(line: str) -> str:
    """A report line without what changes from run to run: times, counts, generated names."""
    line = re.sub(r"contract-user-\d+-[0-9a-f]+", "contract-user-X", line)
    line = re.sub(r"worst event-loop stall: .*", "worst event-loop stall: X", line)
    return re.sub(r"\d+(\.\d+)?", "N", line)


def in_order(shown: list[str], printed: list[str]) -> list[str]:
    """The shown lines missing from the printed ones, in order (normalized)."""
    remaining = iter(normalized(line) for line in printed)
    return [line for line in shown if not any(normalized(line) == p for p in remaining)]


@pytest.mark.parametrize(("marker", "status"), [("before", 1), ("after", 0)])
def test_the_tutorial_shows_what_the_check_command_prints(marker: str, status: int) -> None:
    arguments, shown = shown_run(TUTORIAL.read_text(encoding="utf-8"), marker)
    done = check(*arguments)
    assert done.returncode == status, done.stdout + done.stderr
    assert in_order(shown, done.stdout.splitlines()) == [], done.stdout
    verdict = "=> PASS: " if status == 0 else "=> FAIL: "
    assert shown[-1].strip().startswith(verdict)


def test_the_tutorial_shows_the_lockout_failure_and_then_none() -> None:
    page = TUTORIAL.read_text(encoding="utf-8")
    _, before = shown_run(page, "before")
    _, after = shown_run(page, "after")
    assert "  FAILED  permission_denied_crosses_unchanged (async)" in before
    assert "  FAILED  subclass_overriding_authenticate_is_followed (async)" in before
    assert not [line for line in after if "FAILED" in line]


# The reference page's tables of checks, compared with the checks the contracts declare.

CONTRACT_CHECKS = DOCS / "reference" / "contract_checks.md"
TABLE_ROW = re.compile(
    r"^\| `(?P<name>\w+)` \| (?P<modes>[^|]+) \| (?P<needs>[^|]+) \| (?P<asserts>.+) \|$"
)


def _capabilities(capabilities: frozenset[Any], joiner: str) -> str:
    return joiner.join(f"`{c.value}`" for c in sorted(capabilities, key=lambda c: c.value))


def documented_row(check: Check) -> tuple[str, str, str]:
    """What the page's row of ``check`` must say: its modes, its needs, its first docstring line."""
    modes = ", ".join(mode.value for mode in check.modes) if check.modes else "both, compared"
    needs = []
    if check.requires:
        needs.append(_capabilities(check.requires, " and "))
    if check.any_of:
        needs.append(_capabilities(check.any_of, " or "))
    if check.unless:
        needs.append("not with " + _capabilities(check.unless, " or "))
    return modes, "; ".join(needs) or "always", check.summary


def rows_of_section(heading: str) -> dict[str, tuple[str, str, str]]:
    section = CONTRACT_CHECKS.read_text(encoding="utf-8").partition(f"\n## {heading}\n")[2]
    section = section.partition("\n## ")[0]
    return {
        match["name"]: (match["modes"], match["needs"], match["asserts"])
        for match in map(TABLE_ROW.match, section.splitlines())
        if match is not None
    }


@pytest.mark.parametrize("contract", [AuthBackendContract, PermissionBackendContract])
def test_the_reference_lists_every_check_as_declared(contract: type[ContractBase]) -> None:
    documented = rows_of_section(f"`{contract.__name__}`")
    declared = {name: documented_row(c) for name, c in contract.__contract_checks__.items()}
    assert documented == declared
