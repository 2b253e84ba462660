"""The Protocols at runtime: ``isinstance()`` sees which sides a backend has."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend

from auth_backend_sdk.protocols import (
    AsyncAuthenticationBackend,
    AsyncPermissionBackend,
    DualModeAuthenticationBackend,
    DualModePermissionBackend,
    SyncAuthenticationBackend,
    SyncPermissionBackend,
)
from tests import backends, wrapped


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (ModelBackend(), {"sync-auth", "async-auth", "sync-perm", "async-perm"}),
        (backends.OneTimeCodeBackend(), {"async-auth"}),
        (wrapped.OneTimeCodeBackend(), {"sync-auth", "async-auth"}),
        (backends.OwnerPermissionBackend(), {"sync-perm"}),
        (wrapped.OwnerPermissionBackend(), {"sync-perm", "async-perm"}),
    ],
    ids=["ModelBackend", "async-only", "async-only adapted", "perm-only", "perm-only adapted"],
)
def test_isinstance_reports_the_sides_a_backend_has(backend: object, expected: set[str]) -> None:
    checks = {
        "sync-auth": SyncAuthenticationBackend,
        "async-auth": AsyncAuthenticationBackend,
        "sync-perm": SyncPermissionBackend,
        "async-perm": AsyncPermissionBackend,
    }
    assert {name for name, proto in checks.items() if isinstance(backend, proto)} == expected
    assert isinstance(backend, DualModeAuthenticationBackend) == (
        {"sync-auth", "async-auth"} <= expected
    )
    assert isinstance(backend, DualModePermissionBackend) == (
        {"sync-perm", "async-perm"} <= expected
    )
