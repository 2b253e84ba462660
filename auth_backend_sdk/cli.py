"""The ``check`` command: run the contract suite against backends and report.

    python -m auth_backend_sdk check DOTTED.PATH [DOTTED.PATH ...]
        [--settings MODULE] [--contract MODULE] [--check NAME] [--json] [--strict]

Also installed as ``auth-backend-sdk check``. Without ``--settings`` it runs
on a throwaway SQLite database with Django's default user model. Exit
status: 0 when every check that ran passed, 1 when any failed, 2 when nothing
could run (an unimportable path, something that is not a backend, settings
that do not load, a ``--check`` name that names no check, a ``--contract``
module for other backends, a database that cannot be reached), which is
reported on one line, without a traceback; with ``--strict``, 3 when no
check failed but some were not run for want of a hook.

It writes nothing where it runs, and nothing that outlives it: its SQLite
database and Hypothesis's caches live in a temporary directory it removes,
and it writes no bytecode. Everything it prints is masked: the contracts'
passwords and the databases' passwords appear in no form.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.machinery
import importlib.util
import os
import secrets
import sys
import tempfile
import warnings
from collections.abc import Collection, Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from .testing._report import render_reports
from .testing.masking import MaskingStream

if TYPE_CHECKING:
    from .testing._runner import BackendPlan, BackendReport, BackendTarget

__all__ = [
    "INCOMPLETE",
    "UsageError",
    "exit_status",
    "main",
    "run_on_test_databases",
    "set_up_django",
]

PROG = "auth-backend-sdk"
INCOMPLETE = 3
"""Exit status with ``--strict`` when no check failed but some did not run."""
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
    parser = _Parser(
        prog=PROG, description="Tools for Django authentication backends and session stores."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="run the contract suite against backends or session stores, in sync and async mode",
        description="Run the contract suite against each backend or session store, in sync "
        "and async mode.",
    )
    check.add_argument(
        "backends",
        nargs="+",
        metavar="DOTTED.PATH",
        help="authentication backend or session store classes, or session engine modules "
        "(a SESSION_ENGINE value)",
    )
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
    check.add_argument(
        "--strict",
        action="store_true",
        help=f"exit with status {INCOMPLETE} when no check failed but some did not run "
        "for want of a hook: a complete verdict, for CI",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    never_printed: set[str] = set()
    with (
        _masked_output(never_printed) as status,
        _no_bytecode(),
        tempfile.TemporaryDirectory(prefix="auth-backend-sdk-") as scratch,
    ):
        try:
            set_up_django(args.settings, args.backends, scratch)
            never_printed.update(_database_passwords())
            _keep_hypothesis_caches_in(scratch)
            plans = _plan(args.backends, args.contract, args.only)
            never_printed.update(secret for plan in plans for secret in plan.secrets)
            reports = run_on_test_databases(plans, status=status)
        except UsageError as exc:
            print(f"{PROG} check: error: {exc}", file=sys.stderr)
            return 2
        print(render_reports(reports, as_json=args.json))
        return exit_status(reports, strict=args.strict)


def exit_status(reports: Sequence[BackendReport], *, strict: bool = False) -> int:
    """0: no check failed; 1: a check failed; 3 (``strict``): some did not run, or none did."""
    if not all(report.ok for report in reports):
        return 1
    if strict and not all(report.complete for report in reports):
        return INCOMPLETE
    return 0


@contextlib.contextmanager
def _masked_output(secrets: Collection[str]) -> Iterator[TextIO]:
    """Mask ``secrets`` in everything the process prints, the backends' own logging included.

    Yields a masking stream of its own over stderr, for the progress line: its timer
    flushes it at any time, which must not flush what the backends write to stderr in
    pieces (masked whole, at their own flush).
    """
    real = sys.stdout, sys.stderr
    errors = [getattr(stream, "errors", None) for stream in real]
    for stream in real:
        # A lone surrogate in a message must print escaped, not end in UnicodeEncodeError.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    sys.stdout, sys.stderr = (cast(TextIO, MaskingStream(stream, secrets)) for stream in real)
    status = cast(TextIO, MaskingStream(real[1], secrets))
    try:
        yield status
    finally:
        status.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = real
        for stream, error_handler in zip(real, errors, strict=True):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None and error_handler is not None:
                reconfigure(errors=error_handler)


@contextlib.contextmanager
def _no_bytecode() -> Iterator[None]:
    """The user's modules are imported from where they run the command: no __pycache__ there."""
    previous = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        sys.dont_write_bytecode = previous


def _plan(paths: list[str], contract: str | None, only: list[str]) -> list[BackendPlan]:
    from .testing._runner import ContractModuleMismatch, plan_contracts
    from .testing._selection import UnknownCheck

    contract_module = _import_contract_module(contract)
    targets = [_load_backend(path) for path in paths]
    try:
        return plan_contracts(targets, contract_module, only)
    except UnknownCheck as exc:
        raise UsageError(f"--check: {exc}") from exc
    except ContractModuleMismatch as exc:
        raise UsageError(f"--contract: {exc}") from exc


def run_on_test_databases(
    plans: list[BackendPlan], *, status: TextIO | None = None
) -> list[BackendReport]:
    """Run ``plans`` on test databases, showing progress on ``status`` (stderr if None): what
    the command reports."""
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment, teardown_test_environment

    from .testing._report import Progress
    from .testing._runner import run_plans

    runner = DiscoverRunner(verbosity=0, interactive=False)
    setup_test_environment()
    try:
        databases = _set_up_databases(runner)
        progress = Progress(status, total_backends=len(plans))
        try:
            reports = []
            for plan in plans:
                reports += run_plans([plan], on_start=progress.start, on_result=progress.result)
                progress.backend_finished()
        finally:
            progress.finish()
            runner.teardown_databases(databases)
    finally:
        teardown_test_environment()
    return reports


def _set_up_databases(runner: Any) -> Any:
    """The test databases, or a one-line :exc:`UsageError` naming the database that failed."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import Error as DatabaseError

    described = _describe_databases()  # before Django renames them to their test names
    with warnings.catch_warnings():
        # Printed before Django tries the next database: noise on a good day, a second
        # line on a bad one.
        warnings.filterwarnings("ignore", "Normally Django will use a connection to the 'postgres'")
        try:
            return runner.setup_databases()
        except (DatabaseError, ImproperlyConfigured) as exc:
            raise UsageError(
                f"cannot create the test database for {described}: {_one_line(exc)}"
            ) from exc


def _describe_databases() -> str:
    from django.conf import settings

    described = []
    for alias, database in settings.DATABASES.items():
        engine = str(database.get("ENGINE", "")).rpartition(".")[2]
        details = [f"{engine} {str(database.get('NAME', ''))!r}"]
        where = ":".join(str(database[key]) for key in ("HOST", "PORT") if database.get(key))
        if where:
            details[0] += f" on {where}"
        test_name = (database.get("TEST") or {}).get("NAME")
        if test_name:
            details.append(f"test database {str(test_name)!r}")
        described.append(f"{alias!r} ({', '.join(details)})")
    return ", ".join(described)


def _database_passwords() -> list[str]:
    from django.conf import settings

    return [str(db["PASSWORD"]) for db in settings.DATABASES.values() if db.get("PASSWORD")]


def _keep_hypothesis_caches_in(directory: str) -> None:
    """Hypothesis caches under ``./.hypothesis`` unless told otherwise; not in the user's tree."""
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:  # pragma: no cover - the parity checks then say how to install it
        return
    set_hypothesis_home_dir(os.path.join(directory, "hypothesis"))


def set_up_django(settings_module: str | None, backends: Sequence[str], scratch: str) -> None:
    """Django as the command sets it up: ``settings_module``, or a throwaway SQLite database
    in ``scratch`` with the backends' apps installed. :exc:`UsageError` if it cannot."""
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
                "NAME": os.path.join(scratch, "db.sqlite3"),
            }
        },
        SECRET_KEY=secrets.token_urlsafe(32),
        # The file session store writes here, not in the system's temporary directory.
        SESSION_FILE_PATH=scratch,
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
        if top not in apps and _ships_models(top):
            apps.append(top)
    return apps


def _ships_models(name: str) -> bool:
    """Whether ``name`` is a package with a ``models`` module, found without importing it.

    Settings do not exist yet: a backend's module that imports Django's models
    (most do) would fail to import.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    locations = spec.submodule_search_locations if spec is not None else None
    if not locations:  # a plain module (tokenauth.py): no models of its own
        return False
    found = importlib.machinery.PathFinder.find_spec(f"{name}.models", list(locations))
    return found is not None


def _import_contract_module(name: str | None) -> ModuleType | None:
    if name is None:
        return None
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise UsageError(f"cannot import contract module {name!r}: {_one_line(exc)}") from exc


def _load_backend(path: str) -> BackendTarget:
    """The backend class at ``path``, resolved once for the whole run; :exc:`UsageError`, on
    one line, for a path that does not import, names no class, or no backend."""
    from django.core.exceptions import ImproperlyConfigured

    from .engine._loading import load_class, require_family
    from .testing._runner import BackendTarget

    try:
        cls = load_class(path, caller="check")
    except Exception as exc:
        # load_class's TypeError: the path imports, but names something else (a TypeError
        # the module raised while importing leaves nothing imported).
        found = _imported_value(path) if isinstance(exc, TypeError) else _NOTHING
        if found is not _NOTHING and not isinstance(found, type):
            raise UsageError(f"{path} is not a class but {type(found).__name__}") from exc
        cause = exc.__cause__ if isinstance(exc, ImproperlyConfigured) else None
        if isinstance(cause, ImportError):  # load_class's wrapper: say what the import said
            raise UsageError(f"cannot import {path!r}: {_one_line(cause)}") from exc
        hint = ""
        if "INSTALLED_APPS" in str(exc):  # Django's own message, for a model outside its app
            hint = " (pass --settings with a project that installs its app)"
        elif not isinstance(exc, (ImproperlyConfigured, TypeError)):
            # The module raised while importing: its message may hold a secret (a cache URL
            # with its password), as Django's own error pages would show it.
            raise UsageError(
                f"cannot import {path!r}: importing it raised {type(exc).__name__} (message "
                f"not shown; import the module in a Python shell to see it)"
            ) from exc
        raise UsageError(f"cannot import {path!r}: {_one_line(exc)}{hint}") from exc
    try:
        family = require_family(cls, caller="check")
    except TypeError as exc:
        raise UsageError(str(exc)) from exc
    if not family.default_contracts:
        raise UsageError(f"{path}: the {family.name} family declares no contract suites to run")
    return BackendTarget(path, cls, family)


_NOTHING = object()


def _imported_value(path: str) -> object:
    """What ``path`` names in a module already imported (nothing is imported), or _NOTHING."""
    module_path, _, name = path.rpartition(".")
    module = sys.modules.get(module_path)
    return getattr(module, name, _NOTHING) if module is not None else _NOTHING


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
