"""The hooks a contract calls to set things up, with defaults for ModelBackend-like backends.

Override any of them in your contract class. The defaults work for any
backend that reads Django's own tables on the configured user model:
users made with ``create_user()``, permissions granted through
``user_permissions`` and groups, ``username``/``password`` or
``remote_user`` credentials.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db import models

from .capabilities import Capability, CredentialStyle, credential_style

__all__ = ["ContractHooks", "HookMissing"]

_serial = itertools.count(1)


class HookMissing(NotImplementedError):
    """A check needs a hook the contract does not provide."""

    def __init__(self, hook: str, capability: Capability) -> None:
        super().__init__(
            f"declaring {capability.value!r} needs the {hook}() hook: "
            f"define it on your contract class"
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
        return self.backend_class()

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

    # -- credentials -------------------------------------------------------

    def user_credentials(self, user: Any) -> dict[str, Any]:
        """Credentials with which ``user`` authenticates."""
        style = credential_style(self.backend_class)
        if style is CredentialStyle.REMOTE_USER:
            return {"remote_user": user.get_username()}
        if style is CredentialStyle.PASSWORD:
            return {"username": user.get_username(), "password": self.password}
        raise HookMissing("user_credentials", Capability.OTHER_CREDENTIALS)

    def wrong_credentials(self, user: Any) -> dict[str, Any]:
        """Credentials naming ``user`` that must not authenticate."""
        style = credential_style(self.backend_class)
        if style is CredentialStyle.REMOTE_USER:
            return {"remote_user": ""}
        if style is CredentialStyle.PASSWORD:
            return {"username": user.get_username(), "password": "wrong-" + self.password}
        raise HookMissing("wrong_credentials", Capability.OTHER_CREDENTIALS)

    def unknown_credentials(self) -> dict[str, Any]:
        """Credentials of nobody in the database."""
        name = f"contract-nobody-{secrets.token_hex(4)}"
        style = credential_style(self.backend_class)
        if style is CredentialStyle.REMOTE_USER:
            return {"remote_user": name}
        if style is CredentialStyle.PASSWORD:
            return {"username": name, "password": self.password}
        raise HookMissing("unknown_credentials", Capability.OTHER_CREDENTIALS)

    def denied_credentials(self, user: Any) -> dict[str, Any]:
        """Credentials the backend refuses with ``PermissionDenied`` (no default)."""
        raise HookMissing("denied_credentials", Capability.RAISES_PERMISSION_DENIED)

    def credential_fields(self) -> tuple[str, ...]:
        """Credential names the bad-input check fills with malformed values."""
        style = credential_style(self.backend_class)
        if style is CredentialStyle.REMOTE_USER:
            return ("remote_user",)
        if style is CredentialStyle.PASSWORD:
            return ("username", "password")
        return tuple(self.user_credentials(self.create_user()))

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
        user.user_permissions.add(_permission(perm))

    def grant_group_permission(self, user: Any, perm: str) -> None:
        """Grant ``perm`` to ``user`` through a new group."""
        from django.contrib.auth.models import Group

        group = Group.objects.create(name=f"contract-group-{next(_serial)}")
        group.permissions.add(_permission(perm))
        user.groups.add(group)

    def permission_object(self) -> Any:
        """A new object to grant object permissions on."""
        from django.contrib.auth.models import Group

        return Group.objects.create(name=f"contract-object-{next(_serial)}")

    def grant_object_permission(self, user: Any, perm: str, obj: Any) -> None:
        """Grant ``perm`` to ``user`` on ``obj`` only (no default)."""
        raise HookMissing("grant_object_permission", Capability.OBJECT_PERMISSIONS)


def _permission(perm: str) -> Any:
    from django.contrib.auth.models import Permission

    app_label, _, codename = perm.partition(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
