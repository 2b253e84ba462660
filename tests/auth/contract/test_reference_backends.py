"""The contract, applied to the reference backends: every check passes.

Two styles on purpose: Django ``TestCase`` classes (which Django's own runner
runs too, see ``test_django_runner.py``) and plain pytest classes (database
access from the plugin).
"""

from __future__ import annotations

from django.test import TestCase

from auth_backend_sdk.testing import AuthBackendContract, Capability, PermissionBackendContract

BUDGETS = {
    "aauthenticate": 2,
    "aauthenticate (wrong credentials)": 2,
    "aget_user": 1,
    "aget_all_permissions": 1,
    "ahas_perm": 1,
    "ahas_module_perms": 1,
}


class TestReferenceModelBackend(AuthBackendContract, PermissionBackendContract, TestCase):
    backend = "reference_backends.ModelBackend"
    capabilities = {
        Capability.PASSWORD_CREDENTIALS,
        Capability.GET_USER,
        Capability.USER_PERMISSIONS,
        Capability.GROUP_PERMISSIONS,
        Capability.ALL_PERMISSIONS,
    }
    hop_budgets = BUDGETS


class TestReferenceAllowAllUsersModelBackend(AuthBackendContract, PermissionBackendContract):
    backend = "reference_backends.AllowAllUsersModelBackend"
    hop_budgets = BUDGETS


class TestReferenceRemoteUserBackend(AuthBackendContract, PermissionBackendContract, TestCase):
    backend = "reference_backends.RemoteUserBackend"
    hop_budgets = {"aget_user": 1, "ahas_perm": 1}


class TestReferenceAllowAllUsersRemoteUserBackend(AuthBackendContract, PermissionBackendContract):
    backend = "reference_backends.AllowAllUsersRemoteUserBackend"
