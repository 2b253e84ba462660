"""Contracts whose ``secrets()`` name what ``setUp()`` makes, for the masking tests.

Not named ``test_*``: its tests fail on purpose and run only when named.
"""

from __future__ import annotations

import secrets

from django.test import TestCase

from auth_backend_sdk.testing import AuthBackendContract

TOKEN_PREFIX = "setup-token-"


class TestTokenMadeInSetUp(AuthBackendContract, TestCase):
    backend = "reference_backends.ModelBackend"

    def setUp(self) -> None:
        super().setUp()
        self.api_token = TOKEN_PREFIX + secrets.token_hex(8)
        if self._testMethodName.endswith("_sync"):
            raise RuntimeError("the token service is down")  # before secrets() can answer
        raise AssertionError(f"token {self.api_token} refused")

    def secrets(self) -> tuple[str, ...]:
        return (*super().secrets(), self.api_token)


class TestSetUpFailingFirst(AuthBackendContract, TestCase):
    backend = "reference_backends.ModelBackend"
    api_token: str

    def setUp(self) -> None:
        super().setUp()
        raise RuntimeError("the token service is down")

    def secrets(self) -> tuple[str, ...]:
        return (*super().secrets(), self.api_token)  # never made
