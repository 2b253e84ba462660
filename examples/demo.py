"""`make demo`: describe(), `manage.py check` and the contract suite, before and after dual_mode().

python -m examples.demo
"""

from __future__ import annotations

import importlib
import tempfile
from typing import TYPE_CHECKING

from auth_backend_sdk.cli import set_up_django

from .session_demo import SESSION_STORES, show_session_stores

if TYPE_CHECKING:
    from auth_backend_sdk.testing._runner import BackendReport

BEFORE = [
    "examples.backends.LockoutBackend",
    "examples.backends.OneTimeCodeBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AFTER = [
    "examples.backends.DualModeLockoutBackend",
    "examples.backends.DualModeOneTimeCodeBackend",
    "examples.backends.DualModeRulesBackend",
]
CONTRACT_RUN = [
    "reference_backends.ModelBackend",
    "django.contrib.auth.backends.ModelBackend",
    "reference_backends.RemoteUserBackend",
    "django.contrib.auth.backends.RemoteUserBackend",
    "examples.backends.LockoutBackend",
    "examples.backends.DualModeLockoutBackend",
]
CONTRACT_MODULE = "examples.contracts"


def heading(text: str) -> None:
    print(f"\n{text}\n{'=' * len(text)}")


def show_descriptions() -> None:
    from auth_backend_sdk import describe

    heading("Django's own ModelBackend")
    print(describe("django.contrib.auth.backends.ModelBackend"))
    for before, after in zip(BEFORE, AFTER, strict=True):
        heading(f"{before}, as written")
        print(describe(before))
        heading("... and after dual_mode()")
        print(describe(after))


def show_system_checks() -> None:
    from django.core.checks import run_checks
    from django.test import override_settings

    from auth_backend_sdk.auth.system_checks import TAG

    for label, backends in (("as written", BEFORE), ("after dual_mode()", AFTER)):
        heading(f"manage.py check, with these backends {label}")
        with override_settings(AUTHENTICATION_BACKENDS=backends):
            messages = run_checks(tags=[TAG])
        for message in messages:
            print(f"{message.obj}: ({message.id}) {message.msg}\n    HINT: {message.hint}")
        print(f"{len(messages)} issue(s).")


def run_contract_suite() -> list[BackendReport]:
    """The reports ``python -m auth_backend_sdk check CONTRACT_RUN --contract ...`` prints."""
    from auth_backend_sdk.cli import run_on_test_databases
    from auth_backend_sdk.testing._runner import plan_contracts

    contract_module = importlib.import_module(CONTRACT_MODULE)
    return run_on_test_databases(plan_contracts(CONTRACT_RUN, contract_module))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="auth-backend-sdk-demo-") as database_dir:
        set_up_django(None, [*CONTRACT_RUN, *BEFORE, *AFTER, *SESSION_STORES], database_dir)
        show_descriptions()
        show_system_checks()
        show_session_stores(heading)

        from auth_backend_sdk.testing._report import render_report, render_summary

        from .verdict import verdict

        heading("The contract suite, side by side")
        print("What `python -m auth_backend_sdk check` prints for the reference backends, Django's")
        print("own, and the lockout backend before and after dual_mode() (its hooks and expected")
        print(
            f"failures: {CONTRACT_MODULE.replace('.', '/')}.py). This takes a minute.\n", flush=True
        )
        reports = run_contract_suite()
        print("\n\n".join(render_report(report) for report in reports))
        print("\n" + render_summary(reports))

        heading("Verdict")
        print("\n".join(verdict(reports, dict(zip(BEFORE, AFTER, strict=True)))))


if __name__ == "__main__":
    main()
