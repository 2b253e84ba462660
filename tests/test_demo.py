"""`make demo`: its lockout example passes after dual_mode(); its verdict follows the results;
its session stores lose the user of an async login as written, and keep it after dual_mode()."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.module_loading import import_string

from auth_backend_sdk import describe
from auth_backend_sdk.testing import ASYNC, BAD_VALUES, SYNC, Mode
from auth_backend_sdk.testing._runner import BackendReport, CheckResult
from examples.session_demo import ADAPTED as SESSION_ADAPTED
from examples.session_demo import AS_WRITTEN, SHOWN_STORES, ShownStore, stored_user_ids
from examples.verdict import verdict

ROOT = Path(__file__).resolve().parent.parent
WRITTEN = "examples.backends.LockoutBackend"
ADAPTED = "examples.backends.DualModeLockoutBackend"

# The same lockout, as the demo and the documentation write it.
LOCKOUTS = [
    ADAPTED,
    "docs.examples.auth_backends.LockoutBackend",
    "docs.examples.own_backends.LockoutBackend",
]


def outcome(mode: Mode, backend: object, **credentials: Any) -> tuple[str, str]:
    try:
        with transaction.atomic():  # a database error must not spoil the next call
            return "returned", repr(mode.call(backend, "authenticate", None, **credentials))
    except Exception as exc:
        return "raised", f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("path", LOCKOUTS)
def test_a_lockout_adds_no_failure_of_its_own_to_djangos_on_malformed_usernames(
    path: str, backend_mode: Mode, alice: User
) -> None:
    lockout, django = import_string(path)(), ModelBackend()
    for label, value in BAD_VALUES.items():
        credentials = {"username": value, "password": "alice-password"}
        assert outcome(backend_mode, lockout, **credentials) == outcome(
            backend_mode, django, **credentials
        ), label
    with pytest.raises(PermissionDenied):
        backend_mode.call(lockout, "authenticate", None, username="mallory", password="any")
    assert backend_mode.call(
        lockout, "authenticate", None, username="alice", password="alice-password"
    )


# The verdict: each sentence from the reports, whatever they say.


def report(path: str, *failing: tuple[str, str], passing: int = 3) -> BackendReport:
    results = [CheckResult(f"test_ok_{i}", f"ok_{i}", "sync", "passed") for i in range(passing)]
    results += [
        CheckResult(f"test_{check}_{mode}", check, mode, "failed") for check, mode in failing
    ]
    return BackendReport(
        path=path,
        description=describe(path),
        contracts=["LockoutHooks"],
        capabilities=frozenset(),
        capabilities_inferred=False,
        results=results,
    )


DENIED = ("permission_denied_crosses_unchanged", "async")
BAD_INPUT = [("bad_credentials_are_refused_quietly", m) for m in ("sync", "async")]


def test_the_verdict_credits_dual_mode_only_with_what_it_fixed() -> None:
    lines = verdict([report(WRITTEN, DENIED), report(ADAPTED)], {WRITTEN: ADAPTED})
    assert lines == [
        f"{WRITTEN}: FAIL, 1 of 4 checks failed: permission_denied_crosses_unchanged (async).",
        f"{ADAPTED}: PASS, 3 of 3 checks passed.",
        f"dual_mode() fixed every check {WRITTEN} failed as written: "
        "permission_denied_crosses_unchanged (async).",
        "The check command exits with status 1 for this run: 1 of 2 backends fail.",
    ]


def test_the_verdict_says_when_the_adapted_backend_still_fails() -> None:
    lines = verdict(
        [report(WRITTEN, DENIED, *BAD_INPUT), report(ADAPTED, *BAD_INPUT)], {WRITTEN: ADAPTED}
    )
    assert lines[1] == (
        f"{ADAPTED}: FAIL, 2 of 5 checks failed: bad_credentials_are_refused_quietly (sync, async)."
    )
    assert lines[2] == (
        f"After dual_mode(), {ADAPTED} still fails bad_credentials_are_refused_quietly "
        "(sync, async); dual_mode() fixed permission_denied_crosses_unchanged (async)."
    )
    assert lines[3] == "The check command exits with status 1 for this run: 2 of 2 backends fail."


def test_the_verdict_counts_expected_failures_with_their_reason() -> None:
    adapted = report(ADAPTED)
    adapted.results += [
        CheckResult(f"test_{check}_{mode}", check, mode, "expected failure", "Django's own.")
        for check, mode in BAD_INPUT
    ]
    assert verdict([report(WRITTEN), adapted], {WRITTEN: ADAPTED}) == [
        f"{WRITTEN}: PASS, 3 of 3 checks passed.",
        f"{ADAPTED}: PASS, 3 of 5 checks passed, 2 failed as expected "
        "(bad_credentials_are_refused_quietly (sync, async)): Django's own.",
        f"{WRITTEN} passes as written, and after dual_mode() too.",
        "The check command exits with status 0 for this run: all 2 backends pass.",
    ]


# The session stores: the hazard describe() names is the user an async login loses.

SESSION_HAZARDS = {
    "django-user-sessions": ["__setitem__"],
    "django-qsessions": ["load", "save", "create_model_instance"],
}


@pytest.fixture(params=SHOWN_STORES, ids=lambda store: store.package)
def shown_store(request: pytest.FixtureRequest) -> ShownStore:
    store: ShownStore = request.param
    return store


def test_describe_names_each_session_stores_hazards_until_dual_mode(
    shown_store: ShownStore,
) -> None:
    classes = shown_store.classes()
    hazards = [p.pair.sync_name for p in describe(classes[AS_WRITTEN]).hazards]
    assert hazards == SESSION_HAZARDS[shown_store.package]
    assert describe(classes[SESSION_ADAPTED]).hazards == ()


@pytest.mark.django_db
def test_a_session_store_records_the_user_of_an_async_login_only_after_dual_mode(
    shown_store: ShownStore, alice: User
) -> None:
    assert stored_user_ids(shown_store, shown_store.classes(), alice) == {
        AS_WRITTEN: {SYNC: alice.pk, ASYNC: None},
        SESSION_ADAPTED: {SYNC: alice.pk, ASYNC: alice.pk},
    }


# The demo itself, as `make demo` runs it.


@pytest.fixture(scope="module")
def demo_output() -> str:
    """What `make demo` prints (it runs on SQLite in a directory of its own)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "examples.demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_make_demo_shows_the_lockout_fixed_by_dual_mode_and_says_only_what_it_saw(
    demo_output: str,
) -> None:
    verdict_lines = demo_output.partition("\nVerdict\n=======\n")[2].splitlines()
    [adapted] = [line for line in verdict_lines if line.startswith(f"{ADAPTED}: ")]
    assert adapted.startswith(f"{ADAPTED}: PASS, ")
    assert "2 failed as expected (bad_credentials_are_refused_quietly (sync, async))" in adapted
    fixed = [line for line in verdict_lines if line.startswith("dual_mode() fixed every check")]
    assert len(fixed) == 1
    assert "permission_denied_crosses_unchanged (async)" in fixed[0]
    assert "unhashable" not in demo_output
    for backend in ("reference_backends.ModelBackend", "reference_backends.RemoteUserBackend"):
        assert any(line.startswith(f"{backend}: PASS") for line in verdict_lines)
    for backend in (WRITTEN, "django.contrib.auth.backends.ModelBackend"):
        assert any(line.startswith(f"{backend}: FAIL") for line in verdict_lines)
    assert verdict_lines[-1].startswith("The check command exits with status 1 for this run: ")


def _section(output: str, title: str) -> str:
    """The text under the heading ``title``, up to the next heading."""
    after = output.partition(f"\n{title}\n{'=' * len(title)}\n")[2]
    assert after, f"no heading {title!r}"
    return re.split(r"\n.+\n=+\n", after, maxsplit=1)[0]


@pytest.mark.slow
def test_make_demo_shows_each_session_store_lose_the_user_in_async_until_dual_mode(
    demo_output: str,
) -> None:
    for store in SHOWN_STORES:
        lines = _section(demo_output, f"{store.package}, {AS_WRITTEN} and {SESSION_ADAPTED}")
        before, _, after = lines.partition(f'dual_mode("{store.path}") (dual-mode)\n')
        assert before.startswith(f"{store.path} (not dual-mode)\n")
        for pair in SESSION_HAZARDS[store.package]:
            assert re.search(rf"^  {pair} .* async-shadowed$", before, re.MULTILINE), pair
            assert re.search(rf"^  {pair} .* derived from .* ok$", after, re.MULTILINE), pair
        assert re.search(r"^  \d+ other pairs: ok$", after, re.MULTILINE)
        user_ids = dict(re.findall(r"^(as written|after dual_mode\(\)) +(\S+ +\S+)$", after, re.M))
        written_sync, written_async = user_ids[AS_WRITTEN].split()
        adapted_sync, adapted_async = user_ids[SESSION_ADAPTED].split()
        assert written_sync == adapted_sync == adapted_async != "None"
        assert written_async == "None"
