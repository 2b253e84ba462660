"""Backends that must type-check against the SDK's Protocols and BaseBackend."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest

from auth_backend_sdk import BaseBackend, dual_mode
from auth_backend_sdk.protocols import (
    AsyncAuthenticationBackend,
    DualModeAuthenticationBackend,
    DualModePermissionBackend,
    SyncAuthenticationBackend,
    SyncPermissionBackend,
)


class TokenBackend(BaseBackend[User]):
    def authenticate(
        self, request: HttpRequest | None, token: str | None = None, **kwargs: Any
    ) -> User | None:
        return None

    def get_user(self, user_id: Any) -> User | None:
        return None


class AsyncOnly:
    async def aauthenticate(
        self, request: HttpRequest | None, username: str | None = None, otp: str | None = None
    ) -> User | None:
        return None

    async def aget_user(self, user_id: int) -> User | None:
        return None


class OwnerPermissions:
    def has_perm(self, user: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return False


sync_backend: SyncAuthenticationBackend[User] = TokenBackend()
dual_backend: DualModeAuthenticationBackend[User] = TokenBackend()
async_backend: AsyncAuthenticationBackend[User] = AsyncOnly()
model_backend: SyncAuthenticationBackend[Any] = ModelBackend()
remote_backend: DualModeAuthenticationBackend[Any] = RemoteUserBackend()
permissions: SyncPermissionBackend[User] = OwnerPermissions()
dual_permissions: DualModePermissionBackend[User] = TokenBackend()

Adapted = dual_mode(OwnerPermissions)
adapted: OwnerPermissions = Adapted()


async def use(backend: DualModeAuthenticationBackend[User]) -> User | None:
    return await backend.aauthenticate(None, token="t") or backend.authenticate(None, token="t")
