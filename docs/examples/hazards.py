"""Three backends written the way most backends in the wild are: one side only.

Each shows one hazard when it is listed in ``AUTHENTICATION_BACKENDS`` as it
is; ``docs/examples/auth_backends.py`` adapts each with one line. The first,
``LockoutBackend`` (hazard 1, the shadowed override), is the one of
``examples/backends.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest

from examples.backends import LOCKED_OUT, LockoutBackend

__all__ = ["LOCKED_OUT", "LockoutBackend", "OneTimeCodeBackend", "ReviewerPermissionBackend"]

REVIEWERS = {"alice"}
ONE_TIME_CODES = {"alice": "424242"}


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
