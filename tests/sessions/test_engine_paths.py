"""A ``SESSION_ENGINE`` value names a module: ``dual_mode()``, ``describe()`` and ``check``
take it and use its ``SessionStore``, as Django's ``SessionMiddleware`` does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.sessions.backends import cache, db
from django.core.exceptions import ImproperlyConfigured

from auth_backend_sdk import describe, dual_mode
from auth_backend_sdk.engine.description import Hazard


def test_describe_reads_the_session_store_of_an_engine_module() -> None:
    described = describe("django.contrib.sessions.backends.db")
    assert described.backend is db.SessionStore
    assert described.path == "django.contrib.sessions.backends.db"
    assert described.hazards == ()


def test_an_engine_module_not_imported_yet_is_imported() -> None:
    engine = "django.contrib.sessions.backends.file"
    code = textwrap.dedent(
        f"""
        import sys, django
        from django.conf import settings
        settings.configure(INSTALLED_APPS=["django.contrib.sessions"])
        django.setup()
        assert {engine!r} not in sys.modules
        from auth_backend_sdk import describe
        print(describe({engine!r}).backend.__module__)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == engine


def test_dual_mode_of_an_engine_module_adapts_its_session_store() -> None:
    adapted = dual_mode("user_sessions.backends.db")
    assert adapted.__name__ == adapted.__qualname__ == "SessionStore"
    assert adapted.__module__ == __name__
    unwrapped = describe("user_sessions.backends.db").pair("__setitem__")
    assert unwrapped.hazard is Hazard.ASYNC_SHADOWED
    assert describe(adapted).hazards == ()


@pytest.mark.parametrize(
    ("argument", "error", "message"),
    [
        (
            "django.contrib.sessions",
            TypeError,
            r"expects 'django\.contrib\.sessions' to name a class, but it names a module "
            r"with no class SessionStore \(a session store\)",
        ),
        ("django.contrib.sessions.backends.nosuch", ImproperlyConfigured, "could not import"),
    ],
)
def test_a_module_without_a_session_store_gets_a_clear_error(
    argument: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        dual_mode(argument)
    with pytest.raises(error, match=message.replace("dual_mode", "describe")):
        describe(argument)


def test_describe_tells_a_store_instance_from_its_class() -> None:
    assert describe(cache.SessionStore()).backend is cache.SessionStore


def test_the_check_command_takes_an_engine_module(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "auth_backend_sdk",
            "check",
            "django.contrib.sessions.backends.signed_cookies",
            "--json",
            "--check",
            "saved_data_loads_on_its_key",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode in (0, 1), done.stderr
    (report,) = json.loads(done.stdout)
    assert report["backend"] == "django.contrib.sessions.backends.signed_cookies"


def test_an_engine_importing_a_missing_package_is_named_by_that_package() -> None:
    with pytest.raises(ImproperlyConfigured, match="No module named 'abs_no_such_session_backend'"):
        dual_mode("tests.sessions.engines.missing_dependency")


def test_the_check_command_shows_no_message_of_an_engine_that_raises_on_import() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "auth_backend_sdk",
            "check",
            "tests.sessions.engines.raising_import",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "auth-backend-sdk check: error: cannot import 'tests.sessions.engines.raising_import': "
        "importing it raised ConnectionError (message not shown; import the module in a Python "
        "shell to see it)\n"
    )
    assert "s3cret" not in done.stderr  # the password in the module's message
