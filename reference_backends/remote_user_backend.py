"""``RemoteUserBackend``: Django's, with a native async side.

For use with Django's ``RemoteUserMiddleware`` or
``PersistentRemoteUserMiddleware``, when the web server authenticates users
and passes the name on. ``aauthenticate`` costs one thread hop for
``clean_username()`` and the lookup (or ``get_or_create``), plus one for
``configure_user()`` only when a subclass overrides it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from auth_backend_sdk.auth.family import AUTHENTICATION
from auth_backend_sdk.engine.flow import Flow, InOrmThread, Twin, run_async, run_sync

from ._credentials import usable_text
from .model_backend import ModelBackend, register_own_definitions

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["AllowAllUsersRemoteUserBackend", "RemoteUserBackend"]

_CONFIGURE_USER = AUTHENTICATION.pair("configure_user")


class RemoteUserBackend(ModelBackend, django_backends.RemoteUserBackend):
    """Trusts the username the web server passes; creates unknown users by default.

    Set ``create_unknown_user = False`` to only accept existing users.
    Override ``clean_username()`` and ``configure_user()`` (either side) as
    with Django's; both may query the database in either mode. A
    ``clean_username()`` that returns None refuses the name: no user is
    looked up or created.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> AbstractBaseUser | None:
        """The user named ``remote_user``, created first if unknown and allowed."""
        return run_sync(self._authenticate_remote(request, remote_user))

    async def aauthenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> AbstractBaseUser | None:
        """See authenticate()."""
        return await run_async(self._authenticate_remote(request, remote_user))

    def _authenticate_remote(
        self, request: HttpRequest | None, remote_user: object
    ) -> Flow[AbstractBaseUser | None]:
        if not remote_user:
            return None
        name = usable_text(remote_user)
        if name is None:
            return None
        found = yield InOrmThread(self._find_or_create, (name,))
        if found is None:
            return None
        user, created = found
        if self._overrides("configure_user"):
            user = yield Twin(self, _CONFIGURE_USER, (request, user), {"created": created})
        else:
            user = self.configure_user(request, user, created=created)
        allowed = yield from self._hook("user_can_authenticate", user)
        return user if allowed else None

    def _find_or_create(self, remote_user: str) -> tuple[AbstractBaseUser | None, bool] | None:
        """``(user or None, created)``; None for a name no user can have."""
        user_model = get_user_model()
        username = self.clean_username(remote_user)
        if username is None:
            return None  # clean_username() refused the name
        if isinstance(username, str):
            max_length = getattr(
                user_model._meta.get_field(user_model.USERNAME_FIELD), "max_length", None
            )
            if usable_text(username) is None or (
                max_length is not None and len(username) > max_length
            ):
                return None
        # get_or_create copes with concurrent creation of the same user.
        if self.create_unknown_user:
            manager: Any = user_model._default_manager
            found: tuple[Any, bool] = manager.get_or_create(**{user_model.USERNAME_FIELD: username})
            return found
        try:
            return user_model._default_manager.get_by_natural_key(username), False
        except user_model.DoesNotExist:
            return None, False


class AllowAllUsersRemoteUserBackend(
    RemoteUserBackend, django_backends.AllowAllUsersRemoteUserBackend
):
    """``RemoteUserBackend`` that also lets inactive users log in."""


register_own_definitions(RemoteUserBackend, AllowAllUsersRemoteUserBackend)
