"""A contract with no hooks for a header-token backend: run under pytest by test_verdicts."""

from __future__ import annotations

from auth_backend_sdk.testing import AuthBackendContract


class TestHeaderTokenWithoutHooks(AuthBackendContract):
    backend = "tests.testing.verdict_backends.AdaptedHeaderTokenBackend"
