"""Contract hooks for `make demo`'s lockout backend, as the check command's --contract wants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from auth_backend_sdk.testing import AuthBackendContract, Capability

from .backends import LOCKED_OUT

INHERITED_BAD_INPUT = (
    "Inherited from Django's ModelBackend, which queries and hashes malformed values as given "
    "(a lone surrogate raises UnicodeEncodeError); its own run fails the same check."
)


class LockoutHooks(AuthBackendContract):
    capabilities = {
        Capability.PASSWORD_CREDENTIALS,
        Capability.GET_USER,
        Capability.RAISES_PERMISSION_DENIED,
    }
    expected_failures = {
        "test_bad_credentials_are_refused_quietly_sync": INHERITED_BAD_INPUT,
        "test_bad_credentials_are_refused_quietly_async": INHERITED_BAD_INPUT,
    }

    def denied_credentials(self, user: Any) -> dict[str, Any]:
        locked_out = sorted(LOCKED_OUT)[0]
        model = get_user_model()
        if not model._default_manager.filter(username=locked_out).exists():
            self.create_user(username=locked_out)
        return {"username": locked_out, "password": self.password}


class LockoutAsWritten(LockoutHooks):
    backend = "examples.backends.LockoutBackend"


class LockoutAfterDualMode(LockoutHooks):
    backend = "examples.backends.DualModeLockoutBackend"
