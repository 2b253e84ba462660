"""A backend that spills the password it is given everywhere, and a contract with an awkward one.

The masking tests run this contract through the ``check`` command, pytest and
Django's test runner, and look for the password in all they print. The
password starts and ends with markers: a cut through the password, or any
escaped form of it, still shows a marker. The file is not named ``test_*``:
its tests fail on purpose and run only when named.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.test import TestCase

from auth_backend_sdk import DualModeMixin
from auth_backend_sdk.testing import AuthBackendContract

logger = logging.getLogger(__name__)

START, END = "Qz7Kp", "pK7zQ"
"""Never printed unless the password is: it begins with one and ends with the other."""

AWKWARD = 'it\'s "quoted" \\ back\\slash \x00 nul \x7f del \u00e9 \u2603 \U0001f512 \u2028\n\t'
"""What ``repr()``, ``ascii()`` and JSON each escape differently."""

PASSWORD = START + AWKWARD + "x" * 60 + END
"""Longer than the 80 characters a value is cut to."""


def spill(password: str) -> str:
    """The password in every form a careless message has it, after enough text to cross a cut."""
    forms = [password, repr(password), ascii(password), json.dumps(password)]
    forms.append(repr(password.encode("utf-8", "surrogateescape")))
    return "refused, after checking every rule there is for this account: " + " ".join(forms)


class SpilledPassword(Exception):
    """Its message comes from an attribute, not from ``args``: masking ``args`` is not enough."""

    def __init__(self, password: str) -> None:
        super().__init__("refused")
        self.password = password

    def __str__(self) -> str:
        return spill(self.password)


class SpillingBackend(DualModeMixin, ModelBackend):
    """Refuses a wrong password by logging, printing and raising it."""

    def authenticate(
        self, request: HttpRequest | None, username: Any = None, password: Any = None, **kwargs: Any
    ) -> Any:
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None or not isinstance(password, str) or not password:
            return user
        logger.warning("refused %s", spill(password))
        print(spill(password), file=sys.stderr)
        raise ValueError(spill(password))


class TestSpillingBackend(AuthBackendContract, TestCase):
    """The contract as a project mixes it into its tests, with hooks that spill the password
    too (so that checks error, not only fail)."""

    backend = "tests.testing.leaky.SpillingBackend"
    password = PASSWORD
    hypothesis_examples = 5

    def unknown_credentials(self) -> dict[str, Any]:
        raise SpilledPassword(self.password)
