"""System checks of the reference backends' own settings (with ``reference_backends`` installed).

``reference_backends.E001``
    ``REFERENCE_BACKENDS_PERMISSION_CACHE`` names no alias of ``CACHES``.
``reference_backends.W001``
    It names a cache each process keeps for itself (``LocMemCache``,
    ``DummyCache``): a revocation made through one worker would not reach the
    others, which keep granting until their entries expire.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.module_loading import import_string

from ._shared_permissions import CACHE_SETTING

__all__ = ["check_permission_cache"]

_PER_PROCESS = (LocMemCache, DummyCache)


@checks.register(checks.Tags.caches)
def check_permission_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    alias = getattr(settings, CACHE_SETTING, None)
    if not alias:
        return []
    entry = settings.CACHES.get(alias)
    if entry is None:
        return [
            checks.Error(
                f"{CACHE_SETTING} = {alias!r} names no alias of CACHES.",
                hint=f"Use one of: {', '.join(map(repr, settings.CACHES)) or 'none defined'}.",
                id="reference_backends.E001",
            )
        ]
    try:
        backend = import_string(entry["BACKEND"])
    except ImportError:
        return []  # Django's own cache checks say so
    if isinstance(backend, type) and issubclass(backend, _PER_PROCESS):
        return [
            checks.Warning(
                f"{CACHE_SETTING} = {alias!r} is a {backend.__name__}, which each process keeps "
                "for itself: a permission revoked through one worker is not seen by the others "
                "until their entries expire.",
                hint="Use a cache every worker shares, such as Django's RedisCache.",
                id="reference_backends.W001",
            )
        ]
    return []
