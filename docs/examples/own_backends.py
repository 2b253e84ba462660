"""Backends written with the SDK from the start: one side each, the other derived."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from auth_backend_sdk import BaseBackend, DualModeMixin

LOCKED_OUT = {"mallory"}
ONE_TIME_CODES = {"alice": "424242"}


class LockoutBackend(DualModeMixin, ModelBackend):
    """An existing hierarchy: the mixin first in the bases, then write the sync side."""

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


class OneTimeCodeBackend(BaseBackend[User]):
    """A new backend: typed, generic in the user; the async side written, the sync derived."""

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        code: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or code is None or ONE_TIME_CODES.get(username) != code:
            return None
        return await User.objects.filter(username=username, is_active=True).afirst()

    async def aget_user(self, user_id: Any) -> User | None:
        return await User.objects.filter(pk=user_id, is_active=True).afirst()
