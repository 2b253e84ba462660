"""The contract, applied to Django's own backends: the failures are expected, and explained.

Each entry of ``expected_failures`` is strict: if Django fixes the behaviour,
the test fails as an unexpected success and the entry must go.
"""

from __future__ import annotations

import django
from django.test import TestCase

from auth_backend_sdk.testing import AuthBackendContract, PermissionBackendContract

SUBCLASS_AUTHENTICATE = (
    "Django's aauthenticate is written separately from authenticate, so a subclass "
    "overriding only authenticate() is bypassed by async logins (hazard 1)."
)
SUBCLASS_HAS_PERM = (
    "Django's ahas_perm goes through aget_all_permissions, so a subclass overriding only "
    "has_perm() is bypassed by async permission checks (hazard 1), PermissionDenied included."
)
SUBCLASS_USER_PERMISSIONS = (
    "Django's aget_all_permissions calls ModelBackend's own aget_user_permissions, so a "
    "subclass overriding only get_user_permissions() is bypassed by async checks (hazard 1)."
)
BAD_CREDENTIALS = (
    "Malformed values escape as exceptions: a lone surrogate raises UnicodeEncodeError "
    "(whose args carry the value), and with a salted hasher a non-str password raises "
    "TypeError; on PostgreSQL a NUL byte raises ValueError."
)
HASHES_ON_THE_LOOP = (
    "Django 5.2's ModelBackend.aauthenticate checks the password on the event loop "
    "(acheck_password), which blocks every other request for the whole hash."
)

COMMON = {
    "test_subclass_overriding_authenticate_is_followed_async": SUBCLASS_AUTHENTICATE,
    "test_subclass_overriding_has_perm_is_followed_async": SUBCLASS_HAS_PERM,
    "test_subclass_raising_permission_denied_is_followed_async": SUBCLASS_HAS_PERM,
    "test_subclass_overriding_get_user_permissions_is_followed_async": SUBCLASS_USER_PERMISSIONS,
    "test_bad_credentials_are_refused_quietly_sync": BAD_CREDENTIALS,
    "test_bad_credentials_are_refused_quietly_async": BAD_CREDENTIALS,
}
MODEL_BACKEND = {
    **COMMON,
    **(
        {"test_login_does_not_block_the_event_loop_async": HASHES_ON_THE_LOOP}
        if django.VERSION < (6, 0)
        else {}
    ),
}


class TestDjangoModelBackend(AuthBackendContract, PermissionBackendContract, TestCase):
    backend = "django.contrib.auth.backends.ModelBackend"
    expected_failures = MODEL_BACKEND


class TestDjangoAllowAllUsersModelBackend(AuthBackendContract, PermissionBackendContract):
    backend = "django.contrib.auth.backends.AllowAllUsersModelBackend"
    expected_failures = MODEL_BACKEND
    hypothesis_examples = 10


class TestDjangoRemoteUserBackend(AuthBackendContract, PermissionBackendContract, TestCase):
    backend = "django.contrib.auth.backends.RemoteUserBackend"
    expected_failures = COMMON
    hypothesis_examples = 10


class TestDjangoAllowAllUsersRemoteUserBackend(AuthBackendContract, PermissionBackendContract):
    backend = "django.contrib.auth.backends.AllowAllUsersRemoteUserBackend"
    expected_failures = COMMON
    hypothesis_examples = 10
