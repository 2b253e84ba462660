"""The ``check`` command: run the contract suite against backends and report.

    python -m auth_backend_sdk check DOTTED.PATH [DOTTED.PATH ...]
        [--settings MODULE] [--contract MODULE] [--json]

Also installed as ``auth-backend-sdk check``. Without ``--settings`` it runs
on a throwaway SQLite database with Django's default user model. Exit
status: 0 when every check passed, 1 when any failed, 2 for bad arguments
(an unimportable path, something that is not a backend, settings that do
not load), which are reported on one line, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from types import ModuleType
from typing import Any, NoReturn

__all__ = ["UsageError", "main"]

PROG = "auth-backend-sdk"
BASE_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "auth_backend_sdk",
]


class UsageError(Exception):
    """Bad arguments: printed on one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Tools for Django authentication backends.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="run the contract suite against backends, in sync and async mode",
        description="Run the contract suite against each backend, in sync and async mode.",
    )
    check.add_argument("backends", nargs="+", metavar="DOTTED.PATH", help="backend classes")
    check.add_argument(
        "--settings",
        metavar="MODULE",
        help="use this Django settings module (and its database) instead of a throwaway "
        "SQLite database with Django's default user model",
    )
    check.add_argument(
        "--contract",
        metavar="MODULE",
        help="a module of contract classes supplying capabilities and hooks",
    )
    check.add_argument(
        "--check",
        dest="only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this check (repeatable), such as authentication_parity",
    )
    check.add_argument("--json", action="store_true", help="print one JSON document (for CI)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _set_up_django(args.settings, args.backends)
        contract_module = _import_contract_module(args.contract)
        for path in args.backends:
            _require_backend(path)
    except UsageError as exc:
        print(f"{PROG} check: error: {exc}", file=sys.stderr)
        return 2
    reports = _run(args.backends, contract_module, args.only)
    if args.json:
        print(json.dumps([report.as_json() for report in reports], indent=2))
    else:
        from .testing.console import render_report, render_summary

        print("\n\n".join(render_report(report) for report in reports))
        if len(reports) > 1:
            print("\n" + render_summary(reports))
    return 0 if all(report.ok for report in reports) else 1


def _run(paths: list[str], contract_module: ModuleType | None, only: list[str]) -> Any:
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment, teardown_test_environment

    from .testing.console import Progress
    from .testing.runner import run_contracts

    progress = Progress(total_backends=len(paths))
    runner = DiscoverRunner(verbosity=0, interactive=False)
    setup_test_environment()
    databases = runner.setup_databases()
    try:
        reports = []
        for path in paths:
            reports += run_contracts(
                [path],
                contract_module=contract_module,
                on_start=progress.start,
                on_result=progress.result,
                only=only,
            )
            progress.backend_finished()
    finally:
        progress.finish()
        runner.teardown_databases(databases)
        teardown_test_environment()
    return reports


def _set_up_django(settings_module: str | None, backends: Sequence[str]) -> None:
    import django
    from django.conf import settings

    if settings_module is not None:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
        try:
            django.setup()
        except Exception as exc:
            raise UsageError(f"cannot load settings {settings_module!r}: {_one_line(exc)}") from exc
        return
    apps = [*BASE_APPS, *(app for app in _apps_of(backends) if app not in BASE_APPS)]
    settings.configure(
        INSTALLED_APPS=apps,
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(tempfile.mkdtemp(prefix="auth-backend-sdk-"), "db.sqlite3"),
            }
        },
        SECRET_KEY=secrets.token_urlsafe(32),
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    try:
        django.setup()
    except Exception as exc:
        raise UsageError(f"cannot set up Django: {_one_line(exc)}") from exc


def _apps_of(backends: Sequence[str]) -> list[str]:
    """Top-level packages of the backends that ship models, which must be installed apps."""
    apps = []
    for path in backends:
        top = path.partition(".")[0]
        try:
            has_models = importlib.util.find_spec(f"{top}.models") is not None
        except (ImportError, ValueError):
            has_models = False
        if has_models and top not in apps:
            apps.append(top)
    return apps


def _import_contract_module(name: str | None) -> ModuleType | None:
    if name is None:
        return None
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise UsageError(f"cannot import contract module {name!r}: {_one_line(exc)}") from exc


def _require_backend(path: str) -> None:
    from django.utils.module_loading import import_string

    from .loading import require_pairs
    from .pairs import AUTH_BACKEND_PAIRS

    try:
        target = import_string(path)
    except ImportError as exc:
        raise UsageError(f"cannot import {path!r}: {_one_line(exc)}") from exc
    except Exception as exc:
        hint = ""
        if "INSTALLED_APPS" in str(exc):
            hint = " (pass --settings with a project that installs its app)"
        raise UsageError(f"cannot import {path!r}: {_one_line(exc)}{hint}") from exc
    if not isinstance(target, type):
        raise UsageError(f"{path} is not a class but {type(target).__name__}")
    try:
        require_pairs(target, AUTH_BACKEND_PAIRS, caller="check")
    except TypeError as exc:
        raise UsageError(str(exc)) from exc


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
