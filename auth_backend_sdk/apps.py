from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import import_string


class AuthBackendSdkConfig(AppConfig):
    name = "auth_backend_sdk"
    verbose_name = "Auth backend SDK"

    def ready(self) -> None:
        from .engine._family import families

        for family in families():
            if family.system_checks:
                import_string(family.system_checks)()
