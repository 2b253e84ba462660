"""Backends as people write them: sync only, or async only, with no help from the SDK.

Each reproduces one hazard of docs/explanation/hazards.md when listed in
``AUTHENTICATION_BACKENDS`` as it is; ``tests/wrapped.py`` adapts each with
``dual_mode()``. (a), the lockout, is the tutorial's ``LockoutBackend``
(``docs/examples/tutorial/before.py``): one set of example backends.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from docs.examples.tutorial.before import LockoutBackend
from tests.testapp.models import ApiToken, Article

__all__ = [
    "EmailOnlyBackend",
    "LockoutBackend",
    "NoDeletionBackend",
    "OneTimeCodeBackend",
    "OwnerPermissionBackend",
    "TokenBackend",
]


class TokenBackend(ModelBackend):
    """(b) Logs in with an API token; a revoked token ends the session too."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, token: str | None = None
    ) -> User | None:
        if not token:
            return None
        found = ApiToken.objects.select_related("user").filter(key=token).first()
        return found.user if found is not None else None

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        if user is None or not ApiToken.objects.filter(user=user).exists():
            return None
        return user


class EmailOnlyBackend(ModelBackend):
    """(c) The site's policy: log in with your e-mail address, never your username."""

    @sensitive_variables("password")
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None or "@" not in username:
            return None
        user = User._default_manager.filter(email__iexact=username).first()
        if user is not None and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class OwnerPermissionBackend:
    """(d) Object permissions for article owners; a plain class with no async side."""

    granted = frozenset({"testapp.change_article", "testapp.delete_article"})

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        if perm not in self.granted or not isinstance(obj, Article) or not user_obj.is_active:
            return False
        return Article.objects.filter(pk=obj.pk, owner_id=user_obj.pk).exists()


class OneTimeCodeBackend:
    """(e) Written async-first: a username and a one-time code (an ApiToken key)."""

    async def aauthenticate(
        self, request: HttpRequest | None, username: str | None = None, otp: str | None = None
    ) -> User | None:
        if not username or not otp:
            return None
        token = await ApiToken.objects.select_related("user").filter(key=otp).afirst()
        if token is None or token.user.get_username() != username:
            return None
        return token.user

    async def aget_user(self, user_id: Any) -> User | None:
        return await User._default_manager.filter(pk=user_id, is_active=True).afirst()


class NoDeletionBackend(ModelBackend):
    """Overrides Django's private hook: nobody may delete anything, whatever they were granted."""

    def _get_permissions(self, user_obj: Any, obj: Model | None, from_name: str) -> set[str]:
        granted = super()._get_permissions(user_obj, obj, from_name)  # type: ignore[misc]
        return {perm for perm in granted if ".delete_" not in perm}
