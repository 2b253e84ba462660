"""The backends compared, side by side, in every measurement.

* ``django``: Django's built-in backend, as shipped.
* ``dual_mode``: a typical third-party backend, which overrides only the sync
  methods (here each just calls ``super()``), made dual-mode by
  :func:`auth_backend_sdk.dual_mode`: its whole async side is derived, one
  thread hop per call.
* ``reference``: :mod:`reference_backends`, with its native async side.

Import this module only once Django is set up: Django's backends module
needs the app registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model

import reference_backends
from auth_backend_sdk import dual_mode

if TYPE_CHECKING:
    from django.http import HttpRequest

_AnyUser = User | AnonymousUser

__all__ = ["model_backends", "remote_user_backends"]


class SyncOnlyModelBackend(django_backends.ModelBackend):
    """Overrides every sync method and no async one, as most third-party backends do."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id: Any) -> User | None:
        return super().get_user(user_id)

    def get_user_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        return super().get_group_permissions(user_obj, obj)

    def get_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        return super().get_all_permissions(user_obj, obj)

    def has_perm(self, user_obj: _AnyUser, perm: str, obj: Model | None = None) -> bool:
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: _AnyUser, app_label: str) -> bool:
        return super().has_module_perms(user_obj, app_label)


class SyncOnlyRemoteUserBackend(django_backends.RemoteUserBackend):
    """The same for Django's ``RemoteUserBackend``: sync ``authenticate`` and ``configure_user``."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> User | None:
        return super().authenticate(request, remote_user)

    def configure_user(self, request: Any, user: Any, created: bool = True) -> Any:
        return super().configure_user(request, user, created)


DualModeModelBackend = dual_mode(SyncOnlyModelBackend)
DualModeRemoteUserBackend = dual_mode(SyncOnlyRemoteUserBackend)


def model_backends() -> dict[str, Any]:
    """By the names results use (and ``bench.http_load`` too), Django's first."""
    return {
        "django": django_backends.ModelBackend(),
        "dual_mode": DualModeModelBackend(),
        "reference": reference_backends.ModelBackend(),
    }


def remote_user_backends() -> dict[str, Any]:
    return {
        "django": django_backends.RemoteUserBackend(),
        "dual_mode": DualModeRemoteUserBackend(),
        "reference": reference_backends.RemoteUserBackend(),
    }
