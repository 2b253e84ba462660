"""A contract module with a typo in its backend's path: the check command refuses it."""

from __future__ import annotations

from auth_backend_sdk.testing import AuthBackendContract


class TypoContract(AuthBackendContract):
    backend = "reference_backends.ModelBackned"
