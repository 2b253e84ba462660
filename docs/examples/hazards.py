"""Three backends written the way most backends in the wild are: one side only.

Each shows one hazard when it is listed in ``AUTHENTICATION_BACKENDS`` as it
is; ``docs/examples/auth_backends.py`` adapts each with one line.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest

LOCKED_OUT = {"mallory"}
REVIEWERS = {"alice"}
ONE_TIME_CODES = {"alice": "424242"}


class LockoutBackend(ModelBackend):
    """Hazard 1, shadowed override: refuses locked-out accounts, on the sync side only."""

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


class ReviewerPermissionBackend:
    """Hazard 2, missing twin: a plain class, with no async side at all."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None  # grants permissions, never logs anybody in

    def has_perm(self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return perm == "docs.review" and user_obj.get_username() in REVIEWERS


class OneTimeCodeBackend:
    """Hazard 3, async-only: written async-first, with no sync side."""

    async def aauthenticate(
        self, request: HttpRequest | None, username: str | None = None, code: str | None = None
    ) -> User | None:
        if username is None or code is None or ONE_TIME_CODES.get(username) != code:
            return None
        return await User.objects.filter(username=username, is_active=True).afirst()

    async def aget_user(self, user_id: Any) -> User | None:
        return await User.objects.filter(pk=user_id, is_active=True).afirst()
