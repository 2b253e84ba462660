"""``BaseBackend``: a dual-mode, typed base class for authentication backends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib.auth import backends as django_backends
from django.contrib.auth.base_user import AbstractBaseUser

from .mixin import DualModeMixin

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model
    from django.http import HttpRequest

__all__ = ["BaseBackend"]

_UserT = TypeVar("_UserT", bound=AbstractBaseUser)


class BaseBackend(DualModeMixin, django_backends.BaseBackend, Generic[_UserT]):
    """Base class for backends that write one side of each pair and get the other.

    A subclass of Django's ``BaseBackend`` (``isinstance`` holds), generic in
    the user type it returns::

        class TokenBackend(BaseBackend[User]):
            def authenticate(self, request, token=None):
                ...

            def get_user(self, user_id):
                ...

    ``aauthenticate`` and ``aget_user`` are derived from these. Write the
    async side instead and the sync side is derived. Methods neither you nor
    Django define stay absent.
    """

    if TYPE_CHECKING:
        # Typing only: defining these at runtime would make this class the most-
        # derived definition of every pair and shadow Django's own defaults.
        # django-stubs fixes the user type to AUTH_USER_MODEL; this class is
        # generic in it instead, hence the ignores (django-stubs does the same
        # for RemoteUserBackend). Overrides name the credentials they take and
        # keep **kwargs: `def authenticate(self, request, token=None, **kwargs)`.
        def authenticate(  # type: ignore[override]
            self, request: HttpRequest | None, **kwargs: Any
        ) -> _UserT | None: ...

        async def aauthenticate(  # type: ignore[override]
            self, request: HttpRequest | None, **kwargs: Any
        ) -> _UserT | None: ...

        def get_user(self, user_id: Any) -> _UserT | None: ...  # type: ignore[override]

        async def aget_user(self, user_id: Any) -> _UserT | None: ...  # type: ignore[override]

        def get_user_permissions(
            self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
        ) -> set[str]: ...

        async def aget_user_permissions(
            self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
        ) -> set[str]: ...

        def get_group_permissions(
            self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
        ) -> set[str]: ...

        async def aget_group_permissions(
            self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
        ) -> set[str]: ...

        def get_all_permissions(
            self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
        ) -> set[str]: ...

        async def aget_all_permissions(
            self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
        ) -> set[str]: ...

        def has_perm(
            self, user_obj: AbstractBaseUser | AnonymousUser, perm: str, obj: Model | None = None
        ) -> bool: ...

        async def ahas_perm(
            self, user_obj: AbstractBaseUser | AnonymousUser, perm: str, obj: Model | None = None
        ) -> bool: ...
