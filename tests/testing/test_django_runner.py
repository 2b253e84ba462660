"""The contract classes run under Django's own test runner, unchanged."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_django_test_runner_runs_the_contract() -> None:
    env = {**os.environ, "ABS_TEST_DATABASE": "sqlite", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "test",
            "-v",
            "2",
            "tests.auth.contract.test_reference_backends.TestReferenceModelBackend",
            "tests.auth.contract.test_django_builtins.TestDjangoRemoteUserBackend",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    report = done.stderr
    assert done.returncode == 0, report
    assert "test_authentication_parity" in report
    assert "skipped 'needs object permissions, which ModelBackend does not declare'" in report
    assert "test_subclass_overriding_authenticate_is_followed_async" in report
    assert "expected failure" in report
    assert "OK (skipped=" in report
