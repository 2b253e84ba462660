"""The tutorial's backend as most are written: the sync side only.

``Lockout`` is a model with a ``username`` field (``tests/testapp/models.py``
in this repository; in your project, a model of your own).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tests.testapp.models import Lockout


class LockoutBackend(ModelBackend):
    """Refuses locked-out accounts, even with the right password."""

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
