"""The check command prints no password, in any form, in its report, its JSON or on stderr.

The backend of ``tests/testing/leaky.py`` puts the password (long, with
quotes, backslashes, NUL and non-ASCII) in its exceptions in every form,
logs it and prints it to stderr; the contract's hooks raise with it, so that
checks error as well as fail. The password starts and ends with markers that
escaping leaves as they are: a marker in the output is a leak.
"""

from __future__ import annotations

import json

import pytest

from auth_backend_sdk.testing.masking import MASK
from docs.examples.check_command import check
from tests.testing.leaky import END, START

LEAKY = ("tests.testing.leaky.SpillingBackend", "--contract", "tests.testing.leaky")


@pytest.mark.parametrize("options", [[], ["--json"]], ids=["text", "json"])
def test_the_command_prints_no_form_of_the_password(options: list[str]) -> None:
    done = check(*LEAKY, "--settings", "tests.settings", *options)
    assert done.returncode == 1, done.stderr
    printed = done.stdout + done.stderr
    assert START not in printed
    assert END not in printed
    if options:
        (report,) = json.loads(done.stdout)
        printed = "\n".join(check["detail"] for check in report["checks"])
    # A failure (what the backend raised) and an error (what a hook raised), both masked.
    refused = "refused, after checking every rule there is for this account:"
    assert f"got:      raised ValueError('{refused} wrong-{MASK}" in printed
    assert f"SpilledPassword: {refused} {MASK} '{MASK}'" in printed
