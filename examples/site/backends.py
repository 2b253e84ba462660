"""The site's own backends, each made dual-mode by the SDK."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from auth_backend_sdk import DualModeMixin, dual_mode

# rules' backend has sync methods only: without its async twins, `await user.ahas_perm()`
# would skip it and deny.
ObjectPermissionBackend = dual_mode("rules.permissions.ObjectPermissionBackend")


class TrimmedUsernameModelBackend(DualModeMixin, ModelBackend):
    """Django's ModelBackend that ignores spaces around the username.

    Written the way most backends are, overriding only the sync ``authenticate()``:
    ``DualModeMixin`` derives ``aauthenticate()`` from it, so async logins honour it.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if isinstance(username, str):
            username = username.strip()
        return super().authenticate(request, username, password, **kwargs)
