"""What the contract suite needs to know about the tutorial's backend.

The class names no backend: ``check --contract docs.examples.tutorial.contract``
applies it to whichever backend it checks, and ``test_contract.py`` binds it
to one for the test runners.
"""

from __future__ import annotations

from typing import Any

from auth_backend_sdk.testing import AuthBackendContract, Capability, PermissionBackendContract
from tests.testapp.models import Lockout

DJANGO_BAD_INPUT = (
    "Django's ModelBackend queries and hashes malformed values as given: "
    "a lone surrogate raises UnicodeEncodeError."
)


class LockoutBackendContract(AuthBackendContract, PermissionBackendContract):
    capabilities = {
        Capability.PASSWORD_CREDENTIALS,
        Capability.GET_USER,
        Capability.USER_PERMISSIONS,
        Capability.GROUP_PERMISSIONS,
        Capability.ALL_PERMISSIONS,
        Capability.RAISES_PERMISSION_DENIED,
    }
    expected_failures = {
        "test_bad_credentials_are_refused_quietly_sync": DJANGO_BAD_INPUT,
        "test_bad_credentials_are_refused_quietly_async": DJANGO_BAD_INPUT,
    }

    def denied_credentials(self, user: Any) -> dict[str, Any]:
        """The user's own credentials, once the account is locked out."""
        Lockout.objects.create(username=user.get_username())
        return self.user_credentials(user)
