"""Each line marked `# error` must be rejected by mypy; nothing else may be."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from auth_backend_sdk.protocols import (
    AsyncAuthenticationBackend,
    SyncAuthenticationBackend,
    SyncPermissionBackend,
)


class NoRequest:
    def authenticate(self, token: str) -> User | None:
        return None

    def get_user(self, user_id: Any) -> User | None:
        return None


class ReturnsTheWrongThing:
    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> str:
        return ""

    def get_user(self, user_id: Any) -> User | None:
        return None


class SyncWhereAsyncIsExpected:
    def aauthenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        return None

    def aget_user(self, user_id: Any) -> User | None:
        return None


class PermissionWithoutPerm:
    def has_perm(self, user_obj: User) -> bool:
        return False


a: SyncAuthenticationBackend[User] = NoRequest()  # error
b: SyncAuthenticationBackend[User] = ReturnsTheWrongThing()  # error
c: AsyncAuthenticationBackend[User] = SyncWhereAsyncIsExpected()  # error
d: SyncPermissionBackend[User] = PermissionWithoutPerm()  # error
