"""Backends that break the contract on purpose: the suite must say so, and how."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from auth_backend_sdk import DualModeMixin
from reference_backends.model_backend import ModelBackend as ReferenceModelBackend
from reference_backends.remote_user_backend import (
    RemoteUserBackend as ReferenceRemoteUserBackend,
)

logger = logging.getLogger(__name__)


class LeakyBackend(DualModeMixin, ModelBackend):
    """Logs the password it was given."""

    def authenticate(
        self, request: HttpRequest | None, username: Any = None, password: Any = None, **kwargs: Any
    ) -> Any:
        logger.info("login attempt by %r with %r", username, password)
        return super().authenticate(request, username, password, **kwargs)


class SharedCacheBackend(DualModeMixin, ModelBackend):
    """Caches permissions on the backend class, for whoever asks next."""

    cache: dict[str, set[str]] = {}

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if "all" not in SharedCacheBackend.cache:
            SharedCacheBackend.cache["all"] = super().get_all_permissions(user_obj, obj)
        return SharedCacheBackend.cache["all"]


class BlockingBackend(DualModeMixin, ModelBackend):
    """A native async side that sleeps on the event loop."""

    async def aget_user(self, user_id: Any) -> Any:
        time.sleep(0.2)  # noqa: ASYNC251 - the point: it blocks the loop
        return await super().aget_user(user_id)


class DivergingBackend(ModelBackend):
    """Its async side grants everything."""

    async def ahas_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return True


class RemoteUserHooksSkippedInAsync(ReferenceRemoteUserBackend):
    """Its hand-written aauthenticate() forgets clean_username() and configure_user()."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> Any:
        return super().authenticate(request, remote_user)

    async def aauthenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> Any:
        if not remote_user:
            return None
        lookup: dict[str, Any] = {get_user_model().USERNAME_FIELD: remote_user}
        user, _ = await get_user_model()._default_manager.aget_or_create(**lookup)
        return user if self.user_can_authenticate(user) else None


class UsernameFieldIgnored(ReferenceModelBackend):
    """Reads ``username`` only: with a user model whose USERNAME_FIELD is ``email``,
    ``authenticate(email=..., password=...)`` finds nobody."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        return super().authenticate(request, username, password)


class RemoteUserSkipsUserCanAuthenticate(ReferenceRemoteUserBackend):
    """Logs in whoever the web server names, inactive users too, in both modes."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> Any:
        if not remote_user:
            return None
        lookup: dict[str, Any] = {get_user_model().USERNAME_FIELD: remote_user}
        user, _ = get_user_model()._default_manager.get_or_create(**lookup)
        return user


class WithPermIgnoresObjects(ReferenceModelBackend):
    """Its with_perm() forgets ``obj``: global grants are listed for any object."""

    def with_perm(
        self, perm: Any, is_active: bool = True, include_superusers: bool = True, obj: Any = None
    ) -> Any:
        return super().with_perm(perm, is_active, include_superusers)
