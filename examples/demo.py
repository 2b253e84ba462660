"""`make demo`: describe(), `manage.py check` and the contract suite, before and after dual_mode().

python -m examples.demo
"""

from __future__ import annotations

import subprocess
import sys

import django
from django.conf import settings

BEFORE = [
    "examples.backends.LockoutBackend",
    "examples.backends.OneTimeCodeBackend",
    "rules.permissions.ObjectPermissionBackend",
]
CONTRACT_RUN = [
    "reference_backends.ModelBackend",
    "django.contrib.auth.backends.ModelBackend",
    "reference_backends.RemoteUserBackend",
    "django.contrib.auth.backends.RemoteUserBackend",
    "examples.backends.LockoutBackend",
    "examples.backends.DualModeLockoutBackend",
]
AFTER = [
    "examples.backends.DualModeLockoutBackend",
    "examples.backends.DualModeOneTimeCodeBackend",
    "examples.backends.DualModeRulesBackend",
]


def heading(text: str) -> None:
    print(f"\n{text}\n{'=' * len(text)}")


def main() -> None:
    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "auth_backend_sdk",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    )
    django.setup()

    from django.core.checks import run_checks
    from django.test import override_settings

    from auth_backend_sdk import describe
    from auth_backend_sdk.checks import TAG

    heading("Django's own ModelBackend: every pair native on both sides")
    print(describe("django.contrib.auth.backends.ModelBackend"))

    for before, after in zip(BEFORE, AFTER, strict=True):
        heading(f"{before}, as written")
        print(describe(before))
        heading("... and after dual_mode()")
        print(describe(after))

    for label, backends in (("as written", BEFORE), ("after dual_mode()", AFTER)):
        heading(f"manage.py check, with these backends {label}")
        with override_settings(AUTHENTICATION_BACKENDS=backends):
            messages = run_checks(tags=[TAG])
        for message in messages:
            print(f"{message.obj}: ({message.id}) {message.msg}\n    HINT: {message.hint}")
        print(f"{len(messages)} issue(s).")

    heading("python -m auth_backend_sdk check: the contract suite, side by side")
    print("Reference backends next to Django's own, and the lockout backend before and after")
    print("dual_mode() (its hooks: examples/contracts.py). This takes a minute.\n", flush=True)
    command = [sys.executable, "-m", "auth_backend_sdk", "check", *CONTRACT_RUN]
    done = subprocess.run([*command, "--contract", "examples.contracts"], check=False)
    if done.returncode == 1:
        print("\nExit status 1: Django's backends and the lockout backend as written fail checks.")


if __name__ == "__main__":
    main()
