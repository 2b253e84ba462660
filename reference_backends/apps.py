from __future__ import annotations

from django.apps import AppConfig


class ReferenceBackendsConfig(AppConfig):
    """Required with ``REFERENCE_BACKENDS_PERMISSION_CACHE`` (it connects the receivers that
    invalidate it in every process); it adds ``manage.py clear_permission_cache`` and the
    system checks of that setting."""

    name = "reference_backends"
    verbose_name = "Reference backends"

    def ready(self) -> None:
        # Every process of the site connects the permission cache's invalidation
        # receivers, whether or not it ever loads a backend: the admin's, a shell's, a
        # task queue's worker revoking a permission must tell the cache too.
        from . import _shared_permissions, checks  # noqa: F401
