"""``manage.py check``, run from the documentation's examples."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from auth_backend_sdk.auth.system_checks import TAG


def manage_py_check(backends: list[str]) -> str:
    """What ``manage.py check --tag auth_backends`` prints, with these backends listed."""
    printed = StringIO()
    with override_settings(AUTHENTICATION_BACKENDS=backends):
        try:
            call_command("check", tags=[TAG], stdout=printed, stderr=printed)
        except SystemCheckError as error:  # manage.py prints it, then exits with status 1
            return str(error)
    return printed.getvalue().rstrip("\n")
