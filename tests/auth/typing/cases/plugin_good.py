"""With the mypy plugin, every side the engine synthesizes type-checks as its source."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest

from auth_backend_sdk import BaseBackend, DualModeMixin, dual_mode
from auth_backend_sdk.protocols import (
    AsyncPermissionBackend,
    DualModeAuthenticationBackend,
    DualModePermissionBackend,
)


class SyncOnlyBackend(DualModeMixin, ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        return None


class PlainSyncBackend(DualModeMixin):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None
    ) -> User | None:
        return None

    def get_user(self, user_id: int) -> User | None:
        return None


class AsyncOnlyBackend(DualModeMixin):
    async def aauthenticate(self, request: HttpRequest | None, otp: str = "") -> User | None:
        return None

    async def aget_user(self, user_id: int) -> User | None:
        return None


class OwnerPermissions:
    def has_perm(self, user: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return False


Adapted = dual_mode(OwnerPermissions)


class AdaptedSubclass(Adapted):
    """A class dual_mode() made is a class: it can be subclassed and annotated."""


class TokenBackend(BaseBackend[User]):
    def authenticate(
        self, request: HttpRequest | None, token: str | None = None, **kwargs: Any
    ) -> User | None:
        return None


class OwnHooks(DualModeMixin):
    # Twin names come from the family: the async side of _get_permissions is _aget_permissions.
    def _get_permissions(self, user_obj: User, obj: Model | None, from_name: str) -> set[str]:
        return set()

    @classmethod
    def has_module_perms(cls, user_obj: User, app_label: str) -> bool:
        return False


class Root(DualModeMixin):
    def get_user(self, user_id: int) -> str:
        return ""


class Leaf(Root):
    # The most-derived definition wins: aget_user is derived from this one, not Root's.
    def get_user(self, user_id: int, include_inactive: bool = False) -> str:
        return ""


class Child(PlainSyncBackend):
    async def aget_user(self, user_id: int) -> User | None:
        return await super().aget_user(user_id)


async def uses(user: User) -> None:
    # SyncOnlyBackend and the plain class: aauthenticate takes what authenticate takes.
    await SyncOnlyBackend().aauthenticate(None, username="a", password="b")
    await PlainSyncBackend().aauthenticate(None, username="a", password="b")
    pending: Coroutine[Any, Any, User | None] = PlainSyncBackend().aauthenticate(None)
    await pending
    # The sync side of an async def returns the awaited type.
    logged_in: User | None = AsyncOnlyBackend().authenticate(None, otp="123456")
    fetched: User | None = AsyncOnlyBackend().get_user(1)
    # dual_mode(OwnerPermissions) has ahas_perm, from has_perm.
    allowed: bool = await Adapted().ahas_perm(user, "app.view")
    allowed = await AdaptedSubclass().ahas_perm(AnonymousUser(), "app.view", None)
    # BaseBackend's own declarations stay: its aauthenticate takes any credentials.
    await TokenBackend().aauthenticate(None, token="t", anything="else")
    permissions: set[str] = await OwnHooks()._aget_permissions(user, None, "user")
    allowed = await OwnHooks.ahas_module_perms(user, "auth")
    leaf_user: str = await Leaf().aget_user(7, include_inactive=True)
    root_user: str = await Root().aget_user(7)
    # dual_mode() inside a function makes a class too.
    LocalAdapted = dual_mode(OwnerPermissions)
    allowed = await LocalAdapted().ahas_perm(user, "app.view")
    # The string form stays as mypy infers it: an instance of an unknown class.
    ByPath = dual_mode("tests.backends.LockoutBackend")
    await ByPath().aauthenticate(None)
    del logged_in, fetched, allowed, permissions, leaf_user, root_user


async_permissions: AsyncPermissionBackend[User] = Adapted()
dual_permissions: DualModePermissionBackend[User] = Adapted()
plain_backend: DualModeAuthenticationBackend[User] = PlainSyncBackend()
async_only_backend: DualModeAuthenticationBackend[User] = AsyncOnlyBackend()
