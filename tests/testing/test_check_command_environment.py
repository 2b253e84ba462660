"""The check command where users run it: their own directory, their own modules and databases.

* A backend in a top-level module (no package, no ``--settings``) runs.
* Nothing is written where the command runs, nor left behind anywhere else.
* A database that cannot be reached is one line naming it, and status 2.

Each test runs the command in a new process, in a directory of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

TOKENAUTH = '''\
from django.contrib.auth.backends import ModelBackend  # importing it needs settings

from auth_backend_sdk import DualModeMixin


class TokenBackend(DualModeMixin, ModelBackend):
    """A project's backend in a module of its own, at the top level."""
'''


def run_check(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # The directory first (python -m puts it there), then this repository.
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "auth_backend_sdk", "check", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environ, "PYTHONPATH": pythonpath, **env},
        timeout=600,
        check=False,
    )


def test_a_backend_in_a_top_level_module_runs(tmp_path: Path) -> None:
    (tmp_path / "tokenauth.py").write_text(TOKENAUTH)
    done = run_check(
        "tokenauth.TokenBackend", "--check", "valid_credentials_authenticate", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tokenauth.TokenBackend (dual-mode)\n")
    assert "checks: 2 passed, 0 failed, 0 not run, 0 skipped" in done.stdout


def test_nothing_is_written_where_it_runs_nor_left_anywhere(tmp_path: Path) -> None:
    project, temporary, home = (tmp_path / name for name in ("project", "tmp", "home"))
    for directory in (project, temporary, home):
        directory.mkdir()
    (project / "shopauth").mkdir()
    (project / "shopauth" / "__init__.py").write_text("")
    (project / "shopauth" / "backends.py").write_text(TOKENAUTH)
    done = run_check(
        "shopauth.backends.TokenBackend",
        # Hypothesis (its caches) and the throwaway SQLite database (its file).
        "--check",
        "authentication_parity",
        cwd=project,
        TMPDIR=str(temporary),
        HOME=str(home),
    )
    assert done.returncode == 0, done.stderr
    assert "checks: 1 passed, 0 failed" in done.stdout
    written = sorted(str(path.relative_to(project)) for path in project.rglob("*"))
    assert written == ["shopauth", "shopauth/__init__.py", "shopauth/backends.py"]
    assert list(temporary.iterdir()) == []
    assert list(home.iterdir()) == []


def _port_nobody_listens_on() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


DATABASE_PASSWORD = "db-password-never-printed"


def _postgresql_that_is_down(tmp_path: Path) -> tuple[dict[str, Any], str]:
    port = _port_nobody_listens_on()
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": DATABASE_PASSWORD,
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    return database, f"'default' (postgresql 'shop' on 127.0.0.1:{port}): OperationalError: "


def _sqlite_in_a_missing_directory(tmp_path: Path) -> tuple[dict[str, Any], str]:
    missing = tmp_path / "missing" / "test.sqlite3"
    database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "shop.sqlite3",
        "TEST": {"NAME": str(missing)},
    }
    return database, (
        f"'default' (sqlite3 'shop.sqlite3', test database {str(missing)!r}): "
        "OperationalError: unable to open database file"
    )


@pytest.mark.parametrize("unreachable", [_postgresql_that_is_down, _sqlite_in_a_missing_directory])
def test_a_database_that_cannot_be_reached_is_one_line_and_status_2(
    tmp_path: Path, unreachable: Any
) -> None:
    database, named = unreachable(tmp_path)
    (tmp_path / "shop_settings.py").write_text(
        f"SECRET_KEY = 'not-a-secret'\n"
        f"USE_TZ = True\n"
        f"DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\n"
        f"INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth']\n"
        f"DATABASES = {{'default': {database!r}}}\n"
    )
    done = run_check("reference_backends.ModelBackend", "--settings", "shop_settings", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(
        f"auth-backend-sdk check: error: cannot create the test database for {named}"
    )
    assert DATABASE_PASSWORD not in done.stderr
