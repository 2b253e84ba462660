"""Each line marked `# error` must be rejected by mypy with the plugin; nothing else may be."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest

from auth_backend_sdk import DualModeMixin, dual_mode
from auth_backend_sdk.protocols import AsyncPermissionBackend


class PlainSyncBackend(DualModeMixin):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None
    ) -> User | None:
        return None


class AsyncOnlyBackend(DualModeMixin):
    async def aget_user(self, user_id: int) -> User | None:
        return None


class OwnHooks(DualModeMixin):
    def _get_permissions(self, user_obj: User, obj: Model | None, from_name: str) -> set[str]:
        return set()


class OwnerPermissions:
    def has_perm(self, user: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return False


Adapted = dual_mode(OwnerPermissions)


async def uses(user: User) -> None:
    await Adapted().ahas_perm(user, 42)  # error
    await Adapted().ahas_perm(user)  # error
    denied: str = await Adapted().ahas_perm(user, "app.view")  # error
    await PlainSyncBackend().aauthenticate(None, token="t")  # error
    await PlainSyncBackend().aauthenticate()  # error
    # A pair no class defines stays absent, as at run time.
    await PlainSyncBackend().aget_user(1)  # error
    # The sync side derived from an async def is not awaitable, and takes its arguments.
    await AsyncOnlyBackend().get_user(1)  # error
    AsyncOnlyBackend().get_user("one")  # error
    # Twin names come from the family, not from a rule.
    OwnHooks().a_get_permissions(user, None, "user")  # error
    del denied


# Without dual_mode(), a sync-only class is no async permission backend.
not_async: AsyncPermissionBackend[User] = OwnerPermissions()  # error
