"""The progress line: on a terminal, kept up to date and drawn only when it changes; elsewhere,
an occasional plain line.

The terminal is a pseudo-terminal of a set width on the command's stderr; the backend's
checks take seconds each, so the elapsed time must move while one runs.
"""

from __future__ import annotations

import fcntl
import io
import itertools
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from auth_backend_sdk.testing._report import Progress
from auth_backend_sdk.testing._runner import CheckResult

from .test_check_command_environment import ROOT

SLOW = '''\
import time

from django.contrib.auth.backends import ModelBackend

from auth_backend_sdk import DualModeMixin


class SlowBackend(DualModeMixin, ModelBackend):
    """Takes seconds to find a user."""

    def get_user(self, user_id):
        time.sleep(2.5)
        return super().get_user(user_id)
'''
COLUMNS = 72
DRAWN = re.compile(r"\[1/1\] (?P<done>\d+) checks done, (?P<seconds>\d+) s; running .+")


def run_on_a_terminal(*args: str, cwd: Path) -> tuple[int, str, bytes]:
    """Run the command with stderr on a pseudo-terminal ``COLUMNS`` wide: status, stdout,
    and the bytes the terminal received."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))
    hidden = ("DJANGO_SETTINGS_MODULE", "COLUMNS", "LINES")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with subprocess.Popen(
        [sys.executable, "-m", "auth_backend_sdk", "check", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        cwd=cwd,
        env=env,
    ) as process:
        os.close(slave)
        received = b""
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the command ended, and the terminal with it
                break
            if not chunk:
                break
            received += chunk
        os.close(master)
        assert process.stdout is not None
        stdout = process.stdout.read().decode()
        status = process.wait(timeout=60)
    return status, stdout, received


def test_on_a_terminal_the_line_keeps_time_redraws_only_on_change_and_fits(
    tmp_path: Path,
) -> None:
    (tmp_path / "slowauth.py").write_text(SLOW)
    status, stdout, received = run_on_a_terminal(
        "slowauth.SlowBackend", "--check", "get_user_returns_the_user", cwd=tmp_path
    )
    assert status == 0, stdout + received.decode(errors="replace")
    assert "=> PASS: 2 checks passed" in stdout
    assert "\x1b" not in stdout  # the report goes to a pipe: plain text
    first, *drawn = received.decode().split("\r\x1b[K")
    assert first == ""  # nothing but the status line, each drawn over the last
    assert drawn[-1] == ""  # erased at the end
    lines = drawn[:-1]
    assert lines, received
    assert all(len(line) < COLUMNS for line in lines), lines
    assert all(a != b for a, b in itertools.pairwise(lines)), lines  # no redraw
    states = []
    for line in lines:
        match = DRAWN.fullmatch(line)
        assert match is not None, line
        states.append((int(match["done"]), int(match["seconds"])))
    assert states == sorted(states)
    # While one check ran (no check ended in between), the seconds shown went up.
    assert any(
        done == later_done and seconds < later_seconds
        for (done, seconds), (later_done, later_seconds) in itertools.pairwise(states)
    ), lines
    # Cut to the width: the backend's path first, the check's name kept.
    assert lines[-1].endswith("running ...Backend: get_user_returns_the_user"), lines


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


PASSED = CheckResult("test_a_sync", "a", "sync", "passed")


def test_elsewhere_a_plain_line_at_most_every_ten_seconds() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, total_backends=2, clock=clock)
    progress.start("app.Backend", "a")
    clock.now += 5
    progress.result("app.Backend", PASSED)  # shown after two seconds, but ten between lines
    clock.now += 6
    progress.start("app.Backend", "b")
    clock.now += 4
    progress.result("app.Backend", PASSED)
    progress.backend_finished()
    clock.now += 7
    progress.start("app.Other", "a")
    progress.finish()
    assert stream.getvalue().splitlines() == [
        "[1/2] 1 checks done, 11 s; running app.Backend: b",
        "[2/2] 2 checks done, 22 s; running app.Other: a",
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_what_did_not_change_is_not_drawn_again() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    progress.start("app.Backend", "a")  # quick runs show nothing
    clock.now += 3
    progress.result("app.Backend", PASSED)
    progress.start("app.Backend", "a")  # the other mode of the same check: the same line
    progress.finish()
    assert stream.getvalue().split("\r\x1b[K") == [
        "",
        "[1/1] 1 checks done, 3 s; running app.Backend: a",
        "",
    ]


def test_the_line_fits_any_width() -> None:
    progress = Progress(io.StringIO(), clock=Clock())
    progress.start("myproject.backends.LockoutBackend", "authentication_parity")
    full = progress.line(6)
    assert full == (
        "[1/1] 0 checks done, 6 s; running myproject.backends.LockoutBackend: authentication_parity"
    )
    assert progress.line(6, len(full)) == full
    for width in range(len(full)):
        assert len(progress.line(6, width)) <= width
    assert progress.line(6, 50) == "[1/1] 0 checks done, 6 s; running ...cation_parity"
    assert progress.line(6, 20) == "[1/1] 0 checks do..."
