"""The contract, applied to example backends of ``tests/backends.py`` that need hooks.

As written, the lockout backend lets locked-out accounts in through
``aauthenticate()`` (hazard 1), and the suite says so; adapted with
``dual_mode()``, both backends pass. The check command's tests use this
module as a ``--contract`` module: the same classes serve every runner.
"""

from __future__ import annotations

import secrets
from typing import Any

import django

from auth_backend_sdk.testing import AuthBackendContract, Capability
from tests.testapp.models import ApiToken, Lockout

from .test_django_builtins import BAD_CREDENTIALS, HASHES_ON_THE_LOOP

# Both call Django's ModelBackend (or the database) with the value as given.
QUERIES_WITH_BAD_VALUES = {
    f"test_bad_credentials_are_refused_quietly_{mode}": BAD_CREDENTIALS
    for mode in ("sync", "async")
}


class LockoutHooks(AuthBackendContract):
    """Hooks of a backend that refuses locked-out accounts with PermissionDenied."""

    capabilities = {
        Capability.PASSWORD_CREDENTIALS,
        Capability.GET_USER,
        Capability.RAISES_PERMISSION_DENIED,
    }

    def denied_credentials(self, user: Any) -> dict[str, Any]:
        Lockout.objects.create(username=user.get_username())
        return self.user_credentials(user)


class TokenHooks(AuthBackendContract):
    """Hooks of a backend that logs in with an API token."""

    capabilities = {Capability.OTHER_CREDENTIALS, Capability.GET_USER}

    def user_credentials(self, user: Any) -> dict[str, Any]:
        token = ApiToken.objects.filter(user=user).first()
        if token is None:
            token = ApiToken.objects.create(user=user, key=secrets.token_hex(16))
        return {"token": token.key}

    def wrong_credentials(self, user: Any) -> dict[str, Any]:
        return {"token": "not-" + self.user_credentials(user)["token"]}

    def unknown_credentials(self) -> dict[str, Any]:
        return {"token": secrets.token_hex(16)}

    def credential_fields(self) -> tuple[str, ...]:
        return ("token",)

    def create_user(self, **fields: Any) -> Any:
        user = super().create_user(**fields)
        self.user_credentials(user)  # TokenBackend.get_user wants a token to exist
        return user


class TestLockoutBackend(LockoutHooks):
    backend = "tests.wrapped.LockoutBackend"
    expected_failures = QUERIES_WITH_BAD_VALUES


class TestLockoutBackendAsWritten(LockoutHooks):
    backend = "tests.backends.LockoutBackend"
    expected_failures = QUERIES_WITH_BAD_VALUES | {
        "test_permission_denied_crosses_unchanged_async": (
            "ModelBackend.aauthenticate knows nothing of the authenticate() override: "
            "a locked-out account logs in through aauthenticate()."
        ),
        "test_subclass_overriding_authenticate_is_followed_async": (
            "Not dual-mode: a subclass's sync authenticate() is bypassed by async logins."
        ),
        "test_each_pair_follows_one_definition": (
            "authenticate() is overridden, aauthenticate() is still ModelBackend's."
        ),
        **(
            {"test_login_does_not_block_the_event_loop_async": HASHES_ON_THE_LOOP}
            if django.VERSION < (6, 0)
            else {}
        ),
    }


class TestTokenBackend(TokenHooks):
    backend = "tests.wrapped.TokenBackend"
    expected_failures = QUERIES_WITH_BAD_VALUES
