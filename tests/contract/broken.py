"""Backends that break the contract on purpose: the suite must say so, and how."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from auth_backend_sdk import DualModeMixin

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
