"""A contract holding a backend that overrides authenticate() to ModelBackend's answers."""

from __future__ import annotations

from auth_backend_sdk.testing import AuthBackendContract


class HeldToModelBackend(AuthBackendContract):
    answers_as_model_backend = True
