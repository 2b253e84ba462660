"""The hooks a contract calls to set things up, with defaults for ModelBackend-like backends.

Override any of them in your contract class. The defaults work for any
backend that reads Django's own tables on the configured user model:
users made with ``create_user()``, permissions granted through
``user_permissions`` and groups, ``username``/``password`` or
``remote_user`` credentials. Where no default can know the answer (a token
backend's credentials, a rules backend's grants), the hook raises
:exc:`HookMissing` and the checks that need it are reported as *not run*,
naming the hook: never passed, never failed.

A login is a :class:`Login`: keyword credentials, and the request to pass.
Backends that read their credentials from keyword arguments write the
credential hooks (``user_credentials()``, ...); backends that read the
request (a header, the session, the query string) write the login hooks
(``valid_login()``, ...), which default to the credential hooks.
"""

from __future__ import annotations

import copy
import itertools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth import get_user_model
from django.db import models

from ...testing.harness import HookMissing
from .capabilities import CredentialStyle, credential_style

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["ContractHooks", "Login"]

_serial = itertools.count(1)


@dataclass(frozen=True)
class Login:
    """What one login passes to ``authenticate()``: keyword credentials, and the request.

    ``request=None``: the checks try both ``None`` and a bare ``HttpRequest``,
    as a backend must accept either. A request the hook builds (with a
    header, a session, a query string) is passed as it is, and copied
    (:meth:`again`) where the same login is made twice.
    """

    credentials: Mapping[str, Any] = field(default_factory=dict)
    request: HttpRequest | None = None

    def again(self) -> Login:
        """The same login with a copy of its request, for a second call.

        The copy has its own ``META``, ``GET``, ``POST`` and ``COOKIES``; other
        attributes (a session) are shared.
        """
        if self.request is None:
            return self
        request = copy.copy(self.request)
        request.META = dict(self.request.META)
        request.GET = self.request.GET.copy()  # type: ignore[assignment]
        request.POST = self.request.POST.copy()  # type: ignore[assignment]
        request.COOKIES = dict(self.request.COOKIES)
        return Login(self.credentials, request)


_CREDENTIALS_UNKNOWN = (
    "the suite cannot tell which credentials log a user in (the defaults know only "
    "ModelBackend-compatible backends' usernames, passwords and remote_user)"
)
_GRANTS_UNKNOWN = (
    "the default grants write Django's permission tables, which only "
    "ModelBackend-compatible backends read"
)


class ContractHooks:
    """Default hooks. ``self.backend_class`` is the backend under test."""

    password: ClassVar[str] = "contract-pass-\u2603-" + secrets.token_hex(4)
    """The password of users the default ``create_user()`` makes."""

    # -- the backend --------------------------------------------------------

    @property
    def backend_class(self) -> type:
        """The backend under test, as the contract class names it."""
        raise NotImplementedError

    def get_backend(self) -> Any:
        """A fresh backend, made the way Django makes one: with no arguments."""
        from django.core.exceptions import ImproperlyConfigured

        try:
            return self.backend_class()
        except ImproperlyConfigured as exc:
            raise HookMissing(
                "get_backend",
                f"the backend cannot be created without its settings ({exc}); or run with "
                "the settings of a project that configures it",
            ) from exc

    # -- users ----------------------------------------------------------------

    def create_user(self, **fields: Any) -> Any:
        """A new active user that should authenticate with ``user_credentials()``."""
        model = get_user_model()
        username = f"contract-user-{next(_serial)}-{secrets.token_hex(3)}"
        values: dict[str, Any] = {model.USERNAME_FIELD: username}
        for name in model.REQUIRED_FIELDS:
            field = model._meta.get_field(name)
            values[name] = (
                f"{username}@example.com" if isinstance(field, models.EmailField) else username
            )
        values.update(fields)
        return model._default_manager.create_user(password=self.password, **values)

    def reload(self, user: Any) -> Any:
        """The user as stored, without any permission cache of an earlier call."""
        return type(user)._default_manager.get(pk=user.pk)

    def deactivate(self, user: Any) -> Any:
        user.is_active = False
        user.save(update_fields=["is_active"])
        return self.reload(user)

    # -- logins ------------------------------------------------------------

    def valid_login(self, user: Any) -> Login:
        """A login that authenticates ``user``."""
        return Login(self.user_credentials(user))

    def wrong_login(self, user: Any) -> Login:
        """A login naming ``user`` that must not authenticate (a wrong password, token...)."""
        return Login(self.wrong_credentials(user))

    def unknown_login(self) -> Login:
        """A login of nobody in the database."""
        return Login(self.unknown_credentials())

    def denied_login(self, user: Any) -> Login:
        """A login the backend refuses with ``PermissionDenied``."""
        return Login(self.denied_credentials(user))

    def repeat_login(self, login: Login) -> Login:
        """The same login once more, for another call (the other mode of a comparison).

        By default ``login.again()``: the same credentials, a copy of the
        request. A login that can be used once only (an OAuth authorization
        code, a one-time token) makes a new one for the same identity. It is
        asked once ``login`` was used (or its use rolled back).
        """
        return login.again()

    # -- credentials -------------------------------------------------------

    def user_credentials(self, user: Any) -> dict[str, Any]:
        """Credentials with which ``user`` authenticates."""
        style = self._default_credential_style()
        if style is CredentialStyle.REMOTE_USER:
            return {"remote_user": user.get_username()}
        if style is CredentialStyle.PASSWORD:
            return {"username": user.get_username(), "password": self.password}
        raise HookMissing("user_credentials", _CREDENTIALS_UNKNOWN, or_hook="valid_login")

    def wrong_credentials(self, user: Any) -> dict[str, Any]:
        """Credentials naming ``user`` that must not authenticate."""
        style = self._default_credential_style()
        if style is CredentialStyle.REMOTE_USER:
            return {"remote_user": ""}
        if style is CredentialStyle.PASSWORD:
            return {"username": user.get_username(), "password": "wrong-" + self.password}
        raise HookMissing("wrong_credentials", _CREDENTIALS_UNKNOWN, or_hook="wrong_login")

    def unknown_credentials(self) -> dict[str, Any]:
        """Credentials of nobody in the database."""
        name = f"contract-nobody-{secrets.token_hex(4)}"
        style = self._default_credential_style()
        if style is CredentialStyle.REMOTE_USER:
            return {"remote_user": name}
        if style is CredentialStyle.PASSWORD:
            return {"username": name, "password": self.password}
        raise HookMissing("unknown_credentials", _CREDENTIALS_UNKNOWN, or_hook="unknown_login")

    def denied_credentials(self, user: Any) -> dict[str, Any]:
        """Credentials the backend refuses with ``PermissionDenied`` (no default)."""
        raise HookMissing(
            "denied_credentials",
            "declaring 'raises PermissionDenied' needs credentials it refuses",
            or_hook="denied_login",
        )

    def credential_fields(self) -> tuple[str, ...]:
        """The credentials a user controls, which the bad-input check fills with malformed values.

        Not values that come from settings, a verified assertion or the
        server: ``()`` when the user controls none of them.
        """
        style = self._default_credential_style()
        if style is CredentialStyle.REMOTE_USER:
            return ("remote_user",)
        if style is CredentialStyle.PASSWORD:
            return ("username", "password")
        raise HookMissing(
            "credential_fields",
            "the suite cannot tell which credentials a user controls; () if none",
        )

    # -- permissions -------------------------------------------------------

    def permission_names(self) -> tuple[str, ...]:
        """At least three ``"app_label.codename"`` permissions, from at least two apps."""
        return (
            "auth.add_group",
            "auth.change_group",
            "auth.view_permission",
            "contenttypes.view_contenttype",
        )

    def grant_permission(self, user: Any, perm: str) -> None:
        """Grant ``perm`` to ``user`` directly."""
        self._require_model_backend_grants("grant_permission")
        user.user_permissions.add(_permission(perm))

    def grant_group_permission(self, user: Any, perm: str) -> None:
        """Grant ``perm`` to ``user`` through a new group."""
        from django.contrib.auth.models import Group

        self._require_model_backend_grants("grant_group_permission")
        group = Group.objects.create(name=f"contract-group-{next(_serial)}")
        group.permissions.add(_permission(perm))
        user.groups.add(group)

    def permission_object(self) -> Any:
        """A new object to grant object permissions on."""
        from django.contrib.auth.models import Group

        return Group.objects.create(name=f"contract-object-{next(_serial)}")

    def grant_object_permission(self, user: Any, perm: str, obj: Any) -> None:
        """Grant ``perm`` to ``user`` on ``obj`` only (no default)."""
        raise HookMissing(
            "grant_object_permission", "the suite cannot tell how this backend grants on objects"
        )

    def is_model_backend_compatible(self) -> bool:
        """Whether grants through Django's tables reach this backend (see the contract)."""
        raise NotImplementedError

    def _default_credential_style(self) -> CredentialStyle | None:
        """The credentials the defaults can make: only for backends reading Django's users
        and passwords, whose users ``create_user()`` makes (another backend that takes a
        username and a password, LDAP's say, knows other users)."""
        style = credential_style(self.backend_class)
        if style in (CredentialStyle.PASSWORD, CredentialStyle.REMOTE_USER):
            return style if self.is_model_backend_compatible() else None
        return None

    def _require_model_backend_grants(self, hook: str) -> None:
        if not self.is_model_backend_compatible():
            raise HookMissing(hook, _GRANTS_UNKNOWN)


def _permission(perm: str) -> Any:
    from django.contrib.auth.models import Permission

    app_label, _, codename = perm.partition(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
