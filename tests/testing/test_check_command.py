"""``python -m auth_backend_sdk check``, run as users run it: in a subprocess."""

from __future__ import annotations

import json
import re

import pytest

# The same helper the docs run their examples of the command with.
from docs.examples.check_command import check


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.Backend"], "cannot import 'nowhere.Backend': ModuleNotFoundError"),
        (["os.path"], "os.path is not a class but module"),
        (["collections.OrderedDict"], "defines none of: authenticate, get_user"),
        (
            ["reference_backends.ModelBackend", "--settings", "nowhere.settings"],
            "cannot load settings 'nowhere.settings'",
        ),
        (
            ["reference_backends.ModelBackend", "--contract", "nowhere.contract"],
            "cannot import contract module 'nowhere.contract'",
        ),
        (
            ["tests.wrapped.GuardianBackend"],
            "INSTALLED_APPS. (pass --settings with a project that installs its app)",
        ),
        ([], "the following arguments are required: DOTTED.PATH"),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(args: list[str], message: str) -> None:
    done = check(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
    assert "Traceback" not in done.stderr


def test_a_passing_backend_reports_and_exits_0() -> None:
    done = check("reference_backends.RemoteUserBackend")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "reference_backends.RemoteUserBackend (dual-mode)" in out
    assert "capabilities (inferred): " in out
    assert "    authenticate(request, remote_user) takes remote_user" in out
    assert (
        "skipped  (does not apply to backends with creates users): "
        "unknown_credentials_give_none (sync, async)"
    ) in out
    assert re.search(r"thread hops: .*\baauthenticate 1\b", out)
    assert "worst event-loop stall: " in out
    assert re.search(r"=> PASS: \d+ checks passed$", out.rstrip())


def test_json_report_of_a_failing_backend_exits_1() -> None:
    done = check(
        "tests.backends.LockoutBackend",
        "tests.wrapped.LockoutBackend",
        "--settings",
        "tests.settings",
        "--contract",
        "tests.auth.contract.test_example_backends",
        "--check",
        "permission_denied_crosses_unchanged",
        "--check",
        "subclass_overriding_authenticate_is_followed",
        "--json",
    )
    assert done.returncode == 0, done.stdout + done.stderr  # the failures are expected ones
    as_written, adapted = json.loads(done.stdout)
    assert as_written["backend"] == "tests.backends.LockoutBackend"
    assert as_written["describe"]["authenticate"]["verdict"] == "async-shadowed"
    assert as_written["expected_failures"] == 2
    assert "raises PermissionDenied" in as_written["capabilities"]
    assert not as_written["capabilities_inferred"]
    assert adapted["passed"] == 4
    assert adapted["ok"]


def test_unexpected_failures_exit_1_and_say_what_diverged() -> None:
    done = check(
        "tests.backends.LockoutBackend",
        "--settings",
        "tests.settings",
        "--check",
        "subclass_overriding_authenticate_is_followed",
    )
    assert done.returncode == 1
    assert "FAILED  subclass_overriding_authenticate_is_followed (async)" in done.stdout
    assert "expected: returned None" in done.stdout
    assert "password=********" in done.stdout
