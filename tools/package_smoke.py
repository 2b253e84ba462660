"""Smoke test of an installed auth-backend-sdk: a wheel or an sdist, never a checkout.

Run by ``nox -s package`` with the interpreter of a fresh virtual environment,
from a directory outside the repository:

    /tmp/venv/bin/python /path/to/tools/package_smoke.py

It imports every public module (and every name in its ``__all__``) from the
installed distribution, checks that both packages ship ``py.typed``, that the
system checks pass ``reference_backends.ModelBackend``, and runs the ``check``
command, as ``python -m auth_backend_sdk`` and as the ``auth-backend-sdk``
script, against it. Exit status 0 if all hold.
"""

from __future__ import annotations

import importlib
import importlib.resources
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import django
from django.conf import settings

PUBLIC_MODULES = [
    "auth_backend_sdk",
    "auth_backend_sdk.auth.system_checks",
    "auth_backend_sdk.engine.description",
    "auth_backend_sdk.engine",
    "auth_backend_sdk.engine.hops",
    "auth_backend_sdk.engine.flow",
    "auth_backend_sdk.engine.loop_stall",
    "auth_backend_sdk.auth.family",
    "auth_backend_sdk.protocols",
    "auth_backend_sdk.testing",
    "auth_backend_sdk.auth.contract.bad_values",
    "reference_backends",
]
"""The modules docs/reference/public_names.md lists."""
BACKEND = "reference_backends.ModelBackend"


def main() -> int:
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "auth_backend_sdk"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        AUTHENTICATION_BACKENDS=[BACKEND],
    )
    django.setup()
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        where = Path(module.__file__ or "").resolve()
        if installed not in where.parents:
            raise SystemExit(f"{name} was imported from {where}, not from {installed}")
        for public in getattr(module, "__all__", ()):
            getattr(module, public)
    for package in ("auth_backend_sdk", "reference_backends"):
        if not importlib.resources.files(package).joinpath("py.typed").is_file():
            raise SystemExit(f"{package} has no py.typed")

    from django.core.checks import run_checks

    from auth_backend_sdk.auth.system_checks import TAG

    messages = run_checks(tags=[TAG])
    if messages:
        raise SystemExit(f"system checks flagged {BACKEND}: {messages}")

    script = os.path.join(os.path.dirname(sys.executable), "auth-backend-sdk")
    for command in ([sys.executable, "-m", "auth_backend_sdk"], [script]):
        done = subprocess.run([*command, "check", BACKEND], capture_output=True, text=True)
        if done.returncode != 0 or "=> PASS" not in done.stdout:
            raise SystemExit(
                f"{' '.join(command)} check {BACKEND} exited with {done.returncode}:\n"
                f"{done.stdout}{done.stderr}"
            )
    version = importlib.import_module("auth_backend_sdk").__version__
    print(f"auth-backend-sdk {version} from {installed}: smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
