"""The ``check`` command, run as users run it: ``python -m auth_backend_sdk check ...``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def check(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command from the repository's root in a new process; its status and output."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    # --settings tests.settings: SQLite, whatever database the caller's tests use.
    env["ABS_TEST_DATABASE"] = "sqlite"
    return subprocess.run(
        [sys.executable, "-m", "auth_backend_sdk", "check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
