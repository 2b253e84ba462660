"""Single-defect variants of ``reference_backends.ModelBackend``: the suite must catch each.

Each mutant is a subclass with one bug a maintainer could really write, named
by its class and told in its docstring. Most are in one mode only, in an
async side written by hand next to the reference's sync side, as Django
writes its own; the others are in code both modes share, as an edit to the
reference's flows would be, which only an oracle can catch. The two
hand-written twins the one-mode mutants start from, :class:`LoginWrittenTwice`
and :class:`PermissionsWrittenTwice`, are correct: they are the controls, and
must pass the whole suite.

``bench/suite_strength.py`` runs the suite against each one. Importing this
module needs Django's app registry, like the reference backends' modules.
"""

from __future__ import annotations

from typing import Any, cast

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from reference_backends._credentials import Secret, usable_text, verify_password_for
from reference_backends.model_backend import ModelBackend

__all__ = ["CONTROLS", "MUTANTS"]

_AnyUser = AbstractBaseUser | AnonymousUser


# -- logins ---------------------------------------------------------------------


class LoginWrittenTwice(ModelBackend):
    """Control: the reference's ``authenticate()``, and ``aauthenticate()`` written by hand.

    Correct, one step per method, so that each login mutant changes one step.
    """

    @sensitive_variables("password")
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        return super().authenticate(request, username, password, **kwargs)

    @sensitive_variables("password")
    async def aauthenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        name = usable_text(username)
        if name is None or password is None:
            return None
        user = await self._afind(name)
        is_correct, upgraded = await self._averify(user, Secret.seal(password))
        if upgraded and user is not None:
            await self._asave_upgrade(user)
        if user is None or not is_correct:
            return None
        return user if await self._aallowed(user) else None

    async def _afind(self, name: str) -> AbstractBaseUser | None:
        return await sync_to_async(self._user_by_natural_key)(name)

    async def _averify(self, user: AbstractBaseUser | None, secret: Secret) -> tuple[bool, bool]:
        # Off the loop: hashing takes a whole core for a while.
        return await sync_to_async(verify_password_for, thread_sensitive=False)(user, secret)

    async def _asave_upgrade(self, user: AbstractBaseUser) -> None:
        await user.asave(update_fields=["password"])

    async def _aallowed(self, user: AbstractBaseUser) -> bool:
        return bool(await sync_to_async(self.user_can_authenticate)(cast(Any, user)))


class AsyncLoginSkipsUserCanAuthenticate(LoginWrittenTwice):
    """aauthenticate() forgets user_can_authenticate(): inactive users log in under ASGI."""

    async def _aallowed(self, user: AbstractBaseUser) -> bool:
        return True


class AsyncUpgradeNotSaved(LoginWrittenTwice):
    """aauthenticate() upgrades an outdated hash in memory and never saves it."""

    async def _asave_upgrade(self, user: AbstractBaseUser) -> None:
        pass  # "save() is sync: later"


class AsyncUpgradeSavesTheWholeUser(LoginWrittenTwice):
    """aauthenticate() saves an upgraded hash with a full save(), overwriting other columns."""

    async def _asave_upgrade(self, user: AbstractBaseUser) -> None:
        await user.asave()


class AsyncDummyHashSkipped(LoginWrittenTwice):
    """aauthenticate() returns at once for an unknown username: its timing tells who exists."""

    async def _averify(self, user: AbstractBaseUser | None, secret: Secret) -> tuple[bool, bool]:
        if user is None:
            return False, False
        return await super()._averify(user, secret)


class AsyncUsernameCaseInsensitive(LoginWrittenTwice):
    """aauthenticate() looks the username up case-insensitively; authenticate() does not."""

    async def _afind(self, name: str) -> AbstractBaseUser | None:
        model = get_user_model()
        lookup = {f"{model.USERNAME_FIELD}__iexact": name}
        found: AbstractBaseUser | None = await model._default_manager.filter(**lookup).afirst()
        return found


class AsyncHashOnTheLoop(LoginWrittenTwice):
    """aauthenticate() verifies the password on the event loop (Django 5.2 does)."""

    async def _averify(self, user: AbstractBaseUser | None, secret: Secret) -> tuple[bool, bool]:
        return verify_password_for(user, secret)


class AsyncWrongPasswordRaisesPermissionDenied(LoginWrittenTwice):
    """aauthenticate() raises PermissionDenied for a wrong password: no other backend is tried."""

    @sensitive_variables("password")
    async def aauthenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        user = await super().aauthenticate(request, username, password, **kwargs)
        if user is None and isinstance(username, str) and isinstance(password, str):
            raise PermissionDenied("wrong username or password")
        return user


class AsyncPermissionDeniedSwallowed(LoginWrittenTwice):
    """aauthenticate() turns every exception into None, PermissionDenied of a hook included."""

    @sensitive_variables("password")
    async def aauthenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        try:
            return await super().aauthenticate(request, username, password, **kwargs)
        except Exception:
            return None  # "a login must never answer 500"


class UsernameCaseInsensitive(ModelBackend):
    """Looks usernames up case-insensitively, in both modes: "ALICE" logs in as "alice"."""

    def _user_by_natural_key(self, username: str) -> AbstractBaseUser | None:
        model = get_user_model()
        lookup = {f"{model.USERNAME_FIELD}__iexact": username}
        found: AbstractBaseUser | None = model._default_manager.filter(**lookup).first()
        return found


class GetUserSkipsUserCanAuthenticate(ModelBackend):
    """get_user() loads any user, in both modes: a deactivated user's sessions stay valid."""

    def _active_user_by_pk(self, user_id: Any) -> AbstractBaseUser | None:
        return self._user_by_pk(user_id)


class AsyncGetUserSkipsUserCanAuthenticate(ModelBackend):
    """aget_user() written by hand, without user_can_authenticate(): inactive users stay in."""

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:  # type: ignore[override]
        return super().get_user(user_id)

    async def aget_user(self, user_id: Any) -> AbstractBaseUser | None:  # type: ignore[override]
        found: AbstractBaseUser | None = (
            await get_user_model()._default_manager.filter(pk=user_id).afirst()
        )
        return found


# -- permissions ------------------------------------------------------------------


class PermissionsWrittenTwice(ModelBackend):
    """Control: the reference's sync permission methods, and async ones written by hand.

    Correct, with Django's caches on the user object, so that each
    permission mutant changes one line.
    """

    def get_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        return super().get_all_permissions(user_obj, obj)

    async def aget_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return await self._acached_permissions(user_obj)

    async def _acached_permissions(self, user_obj: _AnyUser) -> set[str]:
        if not hasattr(user_obj, "_perm_cache"):
            loaded = await self._aload(user_obj)
            user_obj._perm_cache = {*loaded["user"], *loaded["group"]}  # type: ignore[union-attr]
        cached: set[str] = user_obj._perm_cache  # type: ignore[union-attr]
        return cached

    async def _aload(self, user_obj: _AnyUser) -> dict[str, set[str]]:
        # Through self, as Django does: a subclass's get_user_permissions() counts.
        return {
            "user": await self.aget_user_permissions(user_obj),
            "group": await self.aget_group_permissions(user_obj),
        }

    def has_perm(self, user_obj: _AnyUser, perm: str, obj: Model | None = None) -> bool:
        return super().has_perm(user_obj, perm, obj)

    async def ahas_perm(self, user_obj: _AnyUser, perm: str, obj: Model | None = None) -> bool:
        return user_obj.is_active and perm in await self.aget_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: _AnyUser, app_label: str) -> bool:
        return super().has_module_perms(user_obj, app_label)

    async def ahas_module_perms(self, user_obj: _AnyUser, app_label: str) -> bool:
        granted = await self.aget_all_permissions(user_obj)
        return user_obj.is_active and any(p[: p.index(".")] == app_label for p in granted)


class AsyncInactiveUsersKeepPermissions(ModelBackend):
    """aget_user_permissions() has `not a and b` for `not a or b`: inactive users keep theirs."""

    def get_user_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        return super().get_user_permissions(user_obj, obj)

    async def aget_user_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active and user_obj.is_anonymous or obj is not None:  # noqa: RUF021
            return set()
        loaded = await sync_to_async(self._load_permissions)(user_obj, ("user",))
        return loaded["user"]


class AsyncObjectIgnored(PermissionsWrittenTwice):
    """aget_all_permissions() forgets `obj`: a global grant counts for every object."""

    async def aget_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return await self._acached_permissions(user_obj)


class AsyncSuperuserNotHandled(PermissionsWrittenTwice):
    """The async loader reads the grant tables only: superusers get no implicit permissions."""

    async def _aload(self, user_obj: _AnyUser) -> dict[str, set[str]]:
        def load() -> dict[str, set[str]]:
            return {
                source: {
                    f"{app}.{codename}"
                    for app, codename in getattr(self, f"_get_{source}_permissions")(
                        user_obj
                    ).values_list("content_type__app_label", "codename")
                }
                for source in ("user", "group")
            }

        return await sync_to_async(load)()


class AsyncPermissionCacheNeverFilled(PermissionsWrittenTwice):
    """aget_all_permissions() reads the tables on every call and never fills Django's caches."""

    async def _acached_permissions(self, user_obj: _AnyUser) -> set[str]:
        loaded = await sync_to_async(self._load_permissions)(user_obj, ("user", "group"))
        return {*loaded["user"], *loaded["group"]}


class AsyncHasPermIgnoresGroups(PermissionsWrittenTwice):
    """ahas_perm() asks aget_user_permissions(): permissions from groups are denied."""

    async def ahas_perm(self, user_obj: _AnyUser, perm: str, obj: Model | None = None) -> bool:
        return user_obj.is_active and perm in await self.aget_user_permissions(user_obj, obj)


class GroupPermissionsFromTheWrongSource(ModelBackend):
    """_get_group_permissions() pasted from _get_user_permissions(): group grants are lost."""

    def _get_group_permissions(self, user_obj: Any) -> Any:
        return user_obj.user_permissions.all()


class PermissionCacheOnTheBackend(ModelBackend):
    """Caches permissions on the backend (`self`) instead of the user: the next user gets them."""

    def get_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(self, "_perm_cache"):
            self._perm_cache = super().get_all_permissions(user_obj)
        return self._perm_cache

    async def aget_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(self, "_perm_cache"):
            self._perm_cache = await super().aget_all_permissions(user_obj)
        return self._perm_cache


class PermissionsNeverCached(ModelBackend):
    """Reads the grant tables on every permission check, in both modes ("caching can wait")."""

    def get_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        loaded = self._load_permissions(user_obj, ("user", "group"))
        return {*loaded["user"], *loaded["group"]}

    async def aget_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        return await sync_to_async(self.get_all_permissions)(user_obj, obj)


class InactiveSuperusersGetEverything(ModelBackend):
    """The superuser shortcut comes before the is_active test: inactive superusers keep it all."""

    def get_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if getattr(user_obj, "is_superuser", False) and obj is None:
            return self._everything()
        return super().get_all_permissions(user_obj, obj)

    async def aget_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        if getattr(user_obj, "is_superuser", False) and obj is None:
            return await sync_to_async(self._everything)()
        return await super().aget_all_permissions(user_obj, obj)

    def _everything(self) -> set[str]:
        from django.contrib.auth.models import Permission

        rows = Permission.objects.values_list("content_type__app_label", "codename")
        return {f"{app}.{codename}" for app, codename in rows}


class ModulePermissionsByPrefix(ModelBackend):
    """has_module_perms() tests `startswith(app_label)`: "auth" also grants "authtoken"."""

    def has_module_perms(self, user_obj: _AnyUser, app_label: str) -> bool:
        granted = self.get_all_permissions(user_obj)
        return user_obj.is_active and any(perm.startswith(app_label) for perm in granted)

    async def ahas_module_perms(self, user_obj: _AnyUser, app_label: str) -> bool:
        granted = await self.aget_all_permissions(user_obj)
        return user_obj.is_active and any(perm.startswith(app_label) for perm in granted)


CONTROLS: tuple[type, ...] = (LoginWrittenTwice, PermissionsWrittenTwice)
"""Hand-written twins without a defect: the suite must pass them."""

MUTANTS: tuple[type, ...] = (
    AsyncLoginSkipsUserCanAuthenticate,
    AsyncUpgradeNotSaved,
    AsyncUpgradeSavesTheWholeUser,
    AsyncDummyHashSkipped,
    AsyncUsernameCaseInsensitive,
    AsyncHashOnTheLoop,
    AsyncWrongPasswordRaisesPermissionDenied,
    AsyncPermissionDeniedSwallowed,
    AsyncGetUserSkipsUserCanAuthenticate,
    UsernameCaseInsensitive,
    GetUserSkipsUserCanAuthenticate,
    PermissionsNeverCached,
    AsyncInactiveUsersKeepPermissions,
    AsyncObjectIgnored,
    AsyncSuperuserNotHandled,
    AsyncPermissionCacheNeverFilled,
    AsyncHasPermIgnoresGroups,
    GroupPermissionsFromTheWrongSource,
    PermissionCacheOnTheBackend,
    InactiveSuperusersGetEverything,
    ModulePermissionsByPrefix,
)
"""One defect each: the suite must fail every one."""
