"""Backends on Django's own classes (not dual-mode) that refuse a user on one side only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends
from django.contrib.auth.models import User

BLOCKED = "blocked"


class RefusingInAsyncOnly(backends.ModelBackend):
    """``aget_user()`` refuses the blocked user; Django's sync ``get_user()`` does not."""

    async def aget_user(self, user_id: Any) -> User | None:
        user = await super().aget_user(user_id)
        return None if user is not None and user.get_username() == BLOCKED else user


class RefusingInSyncOnly(backends.ModelBackend):
    """``get_user()`` refuses the blocked user; Django's native ``aget_user()`` bypasses it."""

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        return None if user is not None and user.get_username() == BLOCKED else user
