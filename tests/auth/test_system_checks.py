"""System checks over AUTHENTICATION_BACKENDS fire on the hazards and stay silent otherwise."""

from __future__ import annotations

import sys
import types

import pytest
from django.contrib.auth import aauthenticate, authenticate
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import User
from django.core.checks import Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

import auth_backend_sdk
from auth_backend_sdk.auth.system_checks import TAG, check_authentication_backends


class AsyncOverride(ModelBackend):
    async def aget_user(self, user_id: object) -> None:
        return None


class HasPermOnly(BaseBackend):
    def has_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
        return True


class PermissionsOnly:
    """A permission backend that is not a BaseBackend: no authenticate() at all."""

    def has_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
        return perm == "tests.view_everything"

    async def ahas_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
        return perm == "tests.view_everything"


class PermissionsOnlyFixed(auth_backend_sdk.BaseBackend[User]):
    """The fix E007 hints at: BaseBackend's authenticate() returns None."""

    def has_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
        return perm == "tests.view_everything"


class SyncBridgeOverride(BaseBackend):
    """Django's own aauthenticate bridge calls self.authenticate: no hazard."""

    def authenticate(self, request: object, **credentials: object) -> None:
        return None


def messages_for(*paths: str) -> list[tuple[str, str]]:
    with override_settings(AUTHENTICATION_BACKENDS=list(paths)):
        return [(m.id or "", m.msg) for m in check_authentication_backends()]


def ids_for(*paths: str) -> list[str]:
    return [check_id for check_id, _ in messages_for(*paths)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LockoutBackend", ["auth_backend_sdk.E001"]),
        ("TokenBackend", ["auth_backend_sdk.E001", "auth_backend_sdk.E001"]),
        ("EmailOnlyBackend", ["auth_backend_sdk.E001"]),
        ("OwnerPermissionBackend", ["auth_backend_sdk.W003", "auth_backend_sdk.W003"]),
        ("OneTimeCodeBackend", ["auth_backend_sdk.E004", "auth_backend_sdk.E004"]),
        ("NoDeletionBackend", ["auth_backend_sdk.E001"]),
    ],
)
def test_checks_fire_on_backends_as_written_and_not_once_adapted(
    name: str, expected: list[str]
) -> None:
    assert ids_for(f"tests.backends.{name}") == expected
    assert ids_for(f"tests.wrapped.{name}") == []


def test_messages_name_the_backend_the_method_both_origins_and_the_fix() -> None:
    [(_, message)] = messages_for("tests.backends.LockoutBackend")
    assert message == (
        "authenticate() is overridden in LockoutBackend, but "
        "aauthenticate() comes from ModelBackend, so async calls bypass the override."
    )
    with override_settings(AUTHENTICATION_BACKENDS=["tests.backends.LockoutBackend"]):
        [error] = check_authentication_backends()
    assert isinstance(error, Error)
    assert error.obj == "tests.backends.LockoutBackend"
    assert error.hint is not None
    assert "LockoutBackend = dual_mode('tests.backends.LockoutBackend')" in error.hint
    assert "define aauthenticate() in LockoutBackend" in error.hint


def test_missing_async_side_warns_with_the_consequence() -> None:
    with override_settings(AUTHENTICATION_BACKENDS=["tests.backends.OwnerPermissionBackend"]):
        warnings = check_authentication_backends()
    assert all(isinstance(w, Warning) for w in warnings)
    text = " ".join(w.msg for w in warnings)
    assert "aauthenticate() raises AttributeError" in text
    assert "User.ahas_perm() skips it, so permissions it grants are denied under async" in text


def test_missing_sync_side_of_authenticate_is_an_error_that_says_why() -> None:
    [first, second] = messages_for("tests.backends.OneTimeCodeBackend")
    assert "authenticate() is missing: every login raises AttributeError" in first[1]
    assert "get_user() is missing" in second[1]


def test_missing_sync_side_of_a_permission_method_is_a_warning() -> None:
    module = types.ModuleType("async_only_permissions")

    class AsyncPermissions:
        def authenticate(self, request: object, **credentials: object) -> None:
            return None

        async def aauthenticate(self, request: object, **credentials: object) -> None:
            return None

        async def ahas_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
            return True

    module.AsyncPermissions = AsyncPermissions  # type: ignore[attr-defined]
    AsyncPermissions.__module__ = module.__name__
    sys.modules[module.__name__] = module
    try:
        [(check_id, message)] = messages_for("async_only_permissions.AsyncPermissions")
    finally:
        del sys.modules[module.__name__]
    assert check_id == "auth_backend_sdk.W005"
    assert "sync callers of has_perm() skip this backend" in message


def test_an_override_of_the_async_side_only_shadows_the_sync_side() -> None:
    [(check_id, message)] = messages_for("tests.auth.test_system_checks.AsyncOverride")
    assert check_id == "auth_backend_sdk.E002"
    assert "so sync calls bypass the override" in message


def test_a_sync_override_bypassed_by_a_django_composite_default_is_flagged() -> None:
    [(check_id, message)] = messages_for("tests.auth.test_system_checks.HasPermOnly")
    assert check_id == "auth_backend_sdk.E001"
    assert "has_perm() is overridden in HasPermOnly, but ahas_perm() comes from BaseBackend" in (
        message
    )


@pytest.mark.parametrize(
    "path",
    [
        "django.contrib.auth.backends.ModelBackend",
        "django.contrib.auth.backends.AllowAllUsersModelBackend",
        "django.contrib.auth.backends.RemoteUserBackend",
        "django.contrib.auth.backends.AllowAllUsersRemoteUserBackend",
        "tests.auth.test_system_checks.SyncBridgeOverride",
        "tests.wrapped.RulesBackend",
        "tests.wrapped.GuardianBackend",
    ],
)
def test_backends_without_hazards_pass_silently(path: str) -> None:
    assert ids_for(path) == []


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("no.such.module.Backend", "cannot be imported"),
        ("tests.backends.NoSuchBackend", "cannot be imported"),
        ("tests.auth.test_system_checks.ids_for", "is not a class (it is a function)"),
        ("collections.OrderedDict", "is not an authentication backend"),
    ],
)
def test_entries_that_are_not_importable_classes_are_errors(path: str, fragment: str) -> None:
    [(check_id, message)] = messages_for(path)
    assert check_id == "auth_backend_sdk.E006"
    assert fragment in message


def test_the_check_is_registered_with_django() -> None:
    with override_settings(AUTHENTICATION_BACKENDS=["tests.backends.LockoutBackend"]):
        assert [m.id for m in run_checks(tags=[TAG])] == ["auth_backend_sdk.E001"]
        with pytest.raises(SystemCheckError, match=r"auth_backend_sdk\.E001"):
            call_command("check")
    with override_settings(AUTHENTICATION_BACKENDS=["tests.wrapped.LockoutBackend"]):
        call_command("check")


def test_a_backend_without_authenticate_is_an_error() -> None:
    [(check_id, message)] = messages_for("tests.auth.test_system_checks.PermissionsOnly")
    assert check_id == "auth_backend_sdk.E007"
    assert "Defines neither authenticate() nor aauthenticate()" in message
    assert ids_for("tests.auth.test_system_checks.PermissionsOnlyFixed") == []


@override_settings(
    AUTHENTICATION_BACKENDS=[
        "tests.auth.test_system_checks.PermissionsOnly",
        "tests.backends.LockoutBackend",
    ]
)
def test_without_authenticate_every_sync_login_crashes_as_e007_says() -> None:
    with pytest.raises(AttributeError, match="authenticate"):
        authenticate(None, username="alice", password="right")


@override_settings(
    AUTHENTICATION_BACKENDS=[
        "tests.auth.test_system_checks.PermissionsOnly",
        "tests.backends.LockoutBackend",
    ]
)
async def test_without_authenticate_every_async_login_crashes_as_e007_says() -> None:
    with pytest.raises(AttributeError, match="authenticate"):
        await aauthenticate(None, username="alice", password="right")


@override_settings(AUTHENTICATION_BACKENDS=["tests.auth.test_system_checks.PermissionsOnlyFixed"])
def test_with_the_fix_a_sync_login_reaches_no_user() -> None:
    assert authenticate(None, username="alice", password="right") is None


@override_settings(AUTHENTICATION_BACKENDS=["tests.auth.test_system_checks.PermissionsOnlyFixed"])
async def test_with_the_fix_an_async_login_reaches_no_user() -> None:
    assert await aauthenticate(None, username="alice", password="right") is None
