from __future__ import annotations

from django.apps import AppConfig


class AuthBackendSdkConfig(AppConfig):
    name = "auth_backend_sdk"
    verbose_name = "Auth backend SDK"

    def ready(self) -> None:
        from .checks import register_checks

        register_checks()
