"""The tutorial's backend made dual-mode: one base class added, nothing else changed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from auth_backend_sdk import DualModeMixin
from tests.testapp.models import Lockout


class LockoutBackend(DualModeMixin, ModelBackend):
    """Refuses locked-out accounts, even with the right password, in both modes."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is not None and Lockout.objects.filter(username=username).exists():
            raise PermissionDenied("this account is locked out")
        return super().authenticate(request, username, password, **kwargs)
