"""Contract hooks for `make demo`'s lockout backend, passed to the check command as --contract."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from auth_backend_sdk.testing import AuthBackendContract, Capability

from .backends import LOCKED_OUT


class LockoutHooks(AuthBackendContract):
    capabilities = {
        Capability.PASSWORD_CREDENTIALS,
        Capability.GET_USER,
        Capability.RAISES_PERMISSION_DENIED,
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
