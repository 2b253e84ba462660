"""Example backends for `make demo`: written the way most backends in the wild are."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from auth_backend_sdk import dual_mode

LOCKED_OUT = {"mallory"}


class LockoutBackend(ModelBackend):
    """Refuses locked-out accounts: overrides only the sync side."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if isinstance(username, str) and username in LOCKED_OUT:
            raise PermissionDenied(f"{username} is locked out")
        return super().authenticate(request, username, password, **kwargs)


class OneTimeCodeBackend:
    """Written async-first: no sync side at all."""

    async def aauthenticate(
        self, request: HttpRequest | None, username: str | None = None, otp: str | None = None
    ) -> User | None:
        return None

    async def aget_user(self, user_id: Any) -> User | None:
        return None


# The one-line fix, in a module of the project's own:
DualModeLockoutBackend = dual_mode(LockoutBackend)
DualModeOneTimeCodeBackend = dual_mode(OneTimeCodeBackend)
DualModeRulesBackend = dual_mode("rules.permissions.ObjectPermissionBackend")
