"""Django's own test runner, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def django_test(*labels: str) -> str:
    """What ``python -m django test -v 2 <labels>`` prints (on SQLite); fails unless it passes."""
    env = {**os.environ, "ABS_TEST_DATABASE": "sqlite", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "django", "test", "-v", "2", *labels],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr
