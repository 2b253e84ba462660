"""No password is printed, in any form: failure messages, error explanations, reports,
pytest's and unittest's output.

The secrets here start and end with a marker that nothing else prints (``Z``
below, ``leaky.START`` and ``leaky.END`` in the contract runs; the module's
contract class is used through the module, so that pytest does not collect it).
Escaping leaves the markers as they are, so a marker in the output means some
form of the secret, or a cut-off part of one, was printed.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import subprocess
import sys
import traceback
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth_backend_sdk.testing import Mode, pytest_plugin
from auth_backend_sdk.testing._report import render_report
from auth_backend_sdk.testing._reporting import render_outcome, render_value
from auth_backend_sdk.testing._runner import run_contracts
from auth_backend_sdk.testing.masking import (
    MASK,
    MaskedError,
    MaskingStream,
    mask,
    mask_exception,
)
from auth_backend_sdk.testing.modes import Outcome
from tests.testing import leaky, setup_secrets
from tests.testing.leaky import END, PASSWORD, START

if sys.version_info >= (3, 11):
    from builtins import ExceptionGroup

needs_notes_and_groups = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="exception notes and groups are Python 3.11+"
)

ROOT = Path(__file__).resolve().parent.parent.parent
LEAKY = leaky.__name__

ESCAPES: dict[str, Callable[[str], str]] = {
    "repr": repr,
    "ascii": ascii,
    "json": json.dumps,
    "json, UTF-8": lambda text: json.dumps(text, ensure_ascii=False),
    "backslashreplace": lambda text: text.encode("ascii", "backslashreplace").decode(),
    "bytes": lambda text: repr(text.encode("utf-8", "surrogateescape")),
}

AWKWARD = "'\"\\\x00\x7f\n\t\u2028\u00e9\u2603\U0001f512\ud800\udc80"
"""What repr(), ascii(), JSON and UTF-8 each escape differently (or cannot encode)."""

# Anything at all but the marker, the awkward characters often.
unmarked = st.text(
    st.one_of(
        st.sampled_from(AWKWARD),
        st.characters(exclude_characters="Z", exclude_categories=()),
    )
)
secrets_ = unmarked.map(lambda middle: f"Z{middle}Z")
escapings = st.lists(st.sampled_from(sorted(ESCAPES)), max_size=3)


def escaped(text: str, names: list[str]) -> str:
    for name in names:
        try:
            text = ESCAPES[name](text)
        except UnicodeEncodeError:  # only low surrogates have bytes (surrogateescape)
            text = repr(text)
    return text


@settings(deadline=None)  # compiling the masking pattern of a new secret takes time
@given(secret=secrets_, before=unmarked, after=unmarked, names=escapings)
def test_mask_leaves_no_form_of_a_secret(
    secret: str, before: str, after: str, names: list[str]
) -> None:
    text = escaped(before + secret + after, names)
    assert "Z" not in mask(text, [secret])


@settings(deadline=None)  # compiling the masking pattern of a new secret takes time
@given(secret=secrets_, before=unmarked, names=escapings)
def test_a_value_cut_short_shows_no_part_of_a_secret(
    secret: str, before: str, names: list[str]
) -> None:
    # `before` moves the secret across the 80-character cut, one offset at a time.
    value = escaped(before + secret + "x" * 100, names)
    assert "Z" not in render_value(value, [secret])
    outcome = Outcome(Mode.SYNC, "authenticate", raised=ValueError(value))
    assert "Z" not in render_outcome(outcome, [secret])


@needs_notes_and_groups
@settings(deadline=None)  # compiling the masking pattern of a new secret takes time
@given(secret=secrets_, names=escapings)
def test_an_exception_shows_no_secret_in_its_message_notes_or_chain(
    secret: str, names: list[str]
) -> None:
    error = ValueError(f"refused {escaped(secret, names)}")
    error.add_note(f"Failing test case: example(password={secret!r})")
    error.__cause__ = KeyError(secret)
    masked = mask_exception(error, [secret])
    # Not raised: no traceback, so what is printed is the messages, notes and chain only.
    printed = "".join(traceback.format_exception(masked))
    assert "Z" not in printed
    assert masked is error  # masked in place: the type (and a traceback) stay
    assert MASK in printed


@needs_notes_and_groups
@settings(deadline=None)  # compiling the masking pattern of a new secret takes time
@given(secret=secrets_)
def test_exception_groups_and_arguments_that_are_not_text_are_masked(secret: str) -> None:
    members = [KeyError(secret), ValueError({"password": secret}, 42)]
    group = ExceptionGroup("two failures", members)  # as Hypothesis raises several
    masked = mask_exception(group, [secret])
    assert masked is group
    assert "Z" not in "".join(traceback.format_exception(masked))
    assert members[1].args[1] == 42


class Spilling(Exception):
    def __str__(self) -> str:
        return f"refused {PASSWORD!r}"


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError(PASSWORD)

    def __repr__(self) -> str:
        raise RuntimeError(PASSWORD)


@needs_notes_and_groups
def test_an_exception_whose_message_is_not_its_args_is_replaced() -> None:
    masked = mask_exception(Spilling("refused"), [PASSWORD])
    assert isinstance(masked, MaskedError)
    assert str(masked) == f"Spilling: refused '{MASK}'"
    # In a group, the group is replaced: its members cannot be.
    group = mask_exception(ExceptionGroup("one failure", [Spilling()]), [PASSWORD])
    assert isinstance(group, MaskedError)
    assert START not in str(group)
    # An exception that cannot even be printed prints nothing (and leaks nothing).
    unprintable = Unprintable(Unprintable())
    assert mask_exception(unprintable, [PASSWORD]) is unprintable


@settings(deadline=None)  # compiling the masking pattern of a new secret takes time
@given(secret=secrets_, before=unmarked, cuts=st.lists(st.integers(0, 200), max_size=6))
def test_a_masking_stream_masks_a_secret_written_in_pieces(
    secret: str, before: str, cuts: list[int]
) -> None:
    text = before + secret + "\n"
    # As the command's stdout: what cannot be encoded is escaped, after masking.
    written = io.BytesIO()
    target = io.TextIOWrapper(written, encoding="ascii", errors="backslashreplace")
    stream = MaskingStream(target, [secret])
    assert stream.encoding == "ascii"
    bounds = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    for start, end in itertools.pairwise(bounds):
        stream.write(text[start:end])
    stream.flush()
    assert b"Z" not in written.getvalue()


def test_the_pytest_plugin_masks_reports_and_leaves_out_arguments_and_locals() -> None:
    def authenticate(password: str) -> None:
        kept = password  # a local, which -l would show
        raise ValueError(f"refused {kept!r}")

    try:
        authenticate(PASSWORD)
    except ValueError:
        excinfo = pytest.ExceptionInfo[ValueError].from_current()
    failure = excinfo.getrepr(funcargs=True, showlocals=True, style="long")
    unmasked = str(failure)  # what pytest prints without the plugin
    stderr = ("Captured stderr call", f"refused {PASSWORD!r}")
    reports = [
        pytest.TestReport("t", ("t.py", 0, "t"), {}, "failed", failure, "call", [stderr]),
        pytest.TestReport("t", ("t.py", 0, "t"), {}, "failed", f"refused {PASSWORD}", "call"),
        pytest.TestReport("t", ("t.py", 0, "t"), {}, "skipped", ("t.py", 0, PASSWORD), "call"),
    ]
    for report in reports:
        pytest_plugin._mask_report(report, (PASSWORD,))
    printed = "\n".join(f"{r.longrepr}{r.sections}" for r in reports)
    assert START not in printed
    assert END not in printed
    assert f"refused '{MASK}'" in printed
    # pytest cuts long arguments and locals short (past what masking recognises): none shown.
    shown = re.compile(r"^(password|kept) *= ", re.MULTILINE)
    assert shown.search(unmasked)
    assert not shown.search(printed)


def report_texts(password: str) -> list[str]:
    """Everything the check command prints about the spilling backend, run in this process."""
    module = types.ModuleType("generated_contract")
    module.Contract = type(  # type: ignore[attr-defined]
        "Contract",
        (leaky.TestSpillingBackend,),
        {"password": password, "__module__": module.__name__},
    )
    checks = ["wrong_credentials_give_none", "unknown_credentials_give_none"]
    reports = run_contracts([f"{LEAKY}.SpillingBackend"], contract_module=module, only=checks)
    (report,) = reports
    # Each check failed (a returned exception) or errored (a hook's), in each mode.
    assert [r.status for r in report.results].count("failed") == 2, report.results
    assert [r.status for r in report.results].count("error") == 2, report.results
    return [render_report(report), json.dumps(report.as_json())]


awkward_passwords = st.text(
    # A password is hashed: it must encode (no lone surrogate).
    st.one_of(st.sampled_from(AWKWARD[:-2]), st.characters(codec="utf-8")),
    max_size=30,
).map(lambda middle: f"{START}{middle}{'x' * 60}{END}")


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=8,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(password=awkward_passwords)
def test_no_generated_password_reaches_a_report(password: str) -> None:
    for text in report_texts(password):
        assert MASK in text
        assert START not in text
        assert END not in text


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        cwd=ROOT,
        env={**environ, "ABS_TEST_DATABASE": "sqlite", **env},
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("style", ["long", "short", "native"])
def test_pytest_prints_no_password_of_a_failing_contract(style: str) -> None:
    # -l: locals too. -rA: captured output of every test. The backend logs the
    # password and prints it to stderr: pytest shows both, masked.
    done = run(
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        f"--tb={style}",
        "-l",
        "-rA",
        str(ROOT / "tests" / "testing" / "leaky.py"),
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"\b10 failed, \d+ passed, \d+ skipped\b", output), output
    assert MASK in output
    assert START not in output
    assert END not in output


def test_djangos_runner_prints_no_password_of_a_failing_contract() -> None:
    done = run("-m", "django", "test", LEAKY, DJANGO_SETTINGS_MODULE="tests.settings")
    assert done.returncode == 1, done.stderr
    assert re.search(r"FAILED \(failures=4, errors=6, skipped=\d+\)", done.stderr)
    # What the runner reports starts at the first failure; before it, the backend itself
    # logs and prints the password (nothing the suite can mask).
    reports = done.stderr[done.stderr.index("=" * 70) :]
    assert MASK in reports
    assert START not in reports
    assert END not in reports


def test_secrets_made_in_set_up_are_masked_and_a_set_up_failing_first_is_reported() -> None:
    done = run(
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-k",
        "valid_credentials_authenticate",
        str(ROOT / "tests" / "testing" / "setup_secrets.py"),
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "INTERNALERROR" not in output
    assert "4 failed" in output  # unittest TestCase: a failing setUp fails the test
    assert "the token service is down" in output
    assert "token ******** refused" in output
    assert setup_secrets.TOKEN_PREFIX not in output
