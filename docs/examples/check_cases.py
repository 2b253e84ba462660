"""Backends that trigger the system checks no backend in ``hazards.py`` triggers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest

REVIEWERS = {"alice"}


class CachedUserBackend(ModelBackend):
    """E002: overrides ``aget_user`` only, so sync callers bypass it."""

    async def aget_user(self, user_id: Any) -> User | None:
        return await User.objects.filter(pk=user_id, is_active=True, is_staff=True).afirst()


class AsyncReviewerBackend:
    """W005: a permission backend written async-first, with no sync ``has_perm``."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    async def aauthenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    async def ahas_perm(
        self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None
    ) -> bool:
        return perm == "docs.review" and user_obj.get_username() in REVIEWERS


class ReviewerGrantsBackend:
    """E007: answers permission checks, but defines no ``authenticate`` at all."""

    def has_perm(self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return perm == "docs.review" and user_obj.get_username() in REVIEWERS

    async def ahas_perm(
        self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None
    ) -> bool:
        return self.has_perm(user_obj, perm, obj)
