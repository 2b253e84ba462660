"""E008: a backend without ``aauthenticate`` that Django tries first crashes every async login.

Django's ``aauthenticate()`` awaits ``backend.aauthenticate()`` on each listed
backend whose ``authenticate`` signature takes the credentials, in order. A
sync-only backend listed before the one that logs users in is reached by
every async login; listed after it, only by logins the earlier one refuses.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import auth
from django.contrib.auth.models import User
from django.core.checks import Error, Warning
from django.http import HttpRequest
from django.test import override_settings
from django.utils.module_loading import import_string

from auth_backend_sdk.auth._login_order import can_answer, named_credentials, takes
from auth_backend_sdk.auth.system_checks import check_authentication_backends
from auth_backend_sdk.testing import ASYNC, SYNC, Mode

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
OWNER_PERMISSIONS = "tests.backends.OwnerPermissionBackend"  # authenticate(request, **credentials)
RULES = "rules.permissions.ObjectPermissionBackend"  # authenticate(*args, **kwargs)
SYNC_TOKEN = f"{__name__}.SyncTokenBackend"


class SyncTokenBackend:
    """Logs in by API token, sync side only; takes no username or password."""

    def authenticate(self, request: HttpRequest | None, token: str | None = None) -> None:
        return None


class StaticTokenBackend:
    @staticmethod
    def authenticate(request: HttpRequest | None, token: str | None = None) -> None:
        return None


class UnreadableBackend:
    authenticate = 42


def login(mode: Mode, **credentials: Any) -> Any:
    return mode.call(auth, "authenticate", None, **credentials)


def check_ids(*paths: str) -> list[str]:
    with override_settings(AUTHENTICATION_BACKENDS=list(paths)):
        return [message.id or "" for message in check_authentication_backends()]


# The hazard, unwrapped.


@pytest.mark.parametrize("first", [OWNER_PERMISSIONS, RULES])
def test_listed_first_it_crashes_every_async_login(first: str, alice: User) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=[first, MODEL_BACKEND]):
        assert login(SYNC, username="alice", password="alice-password") == alice
        for password in ("alice-password", "wrong"):
            with pytest.raises(AttributeError, match="aauthenticate"):
                login(ASYNC, username="alice", password=password)


def test_listed_last_it_crashes_only_the_logins_that_reach_it(alice: User) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=[MODEL_BACKEND, OWNER_PERMISSIONS]):
        assert login(ASYNC, username="alice", password="alice-password") == alice
        with pytest.raises(AttributeError, match="aauthenticate"):
            login(ASYNC, username="alice", password="wrong")


@pytest.mark.parametrize("token_first", [True, False])
def test_a_sync_only_token_backend_crashes_every_async_token_login(
    token_first: bool, alice: User
) -> None:
    # ModelBackend takes a token login (its **kwargs bind it), answers None, and passes it on;
    # the token backend's signature does not take a password login, which never reaches it.
    listed = [SYNC_TOKEN, MODEL_BACKEND] if token_first else [MODEL_BACKEND, SYNC_TOKEN]
    with override_settings(AUTHENTICATION_BACKENDS=listed):
        assert login(ASYNC, username="alice", password="alice-password") == alice
        assert login(ASYNC, username="alice", password="wrong") is None
        assert login(SYNC, token="t-alice") is None
        with pytest.raises(AttributeError, match="aauthenticate"):
            login(ASYNC, token="t-alice")


# The checks say so.


@pytest.mark.parametrize("first", [OWNER_PERMISSIONS, RULES])
def test_listed_first_it_is_an_error(first: str) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=[first, MODEL_BACKEND]):
        [error, *warnings] = check_authentication_backends()
    assert isinstance(error, Error)
    assert error.id == "auth_backend_sdk.E008"
    assert error.obj == first
    assert error.msg == (
        "authenticate() is defined in "
        f"{first.rpartition('.')[2]} but aauthenticate() is missing, and Django tries it "
        "before any backend that can answer logins with username and password: every async "
        "login with those credentials raises AttributeError here, whatever the backends "
        "after it would answer."
    )
    assert error.hint is not None
    assert "dual_mode(" in error.hint
    assert "the logins they refuse would still reach it" in error.hint
    # Its permission methods keep their own warnings.
    assert {w.id for w in warnings} == {"auth_backend_sdk.W003"}
    assert all(isinstance(w, Warning) for w in warnings)


def test_listed_last_it_stays_a_warning() -> None:
    assert check_ids(MODEL_BACKEND, OWNER_PERMISSIONS) == ["auth_backend_sdk.W003"] * 2


def test_alone_with_no_login_to_take_it_stays_a_warning() -> None:
    assert check_ids(OWNER_PERMISSIONS) == ["auth_backend_sdk.W003"] * 2


@pytest.mark.parametrize("token_first", [True, False])
def test_a_sync_only_token_backend_is_an_error_wherever_it_is_listed(token_first: bool) -> None:
    listed = [SYNC_TOKEN, MODEL_BACKEND] if token_first else [MODEL_BACKEND, SYNC_TOKEN]
    with override_settings(AUTHENTICATION_BACKENDS=listed):
        [error] = check_authentication_backends()
    assert error.id == "auth_backend_sdk.E008"
    assert "before any backend that can answer logins with token:" in error.msg


def test_only_an_earlier_backend_that_answers_async_logins_takes_them() -> None:
    # The first one crashes those logins itself: both are errors.
    assert check_ids(RULES, OWNER_PERMISSIONS, MODEL_BACKEND) == [
        "auth_backend_sdk.E008",
        "auth_backend_sdk.W003",
        "auth_backend_sdk.W003",
        "auth_backend_sdk.E008",
        "auth_backend_sdk.W003",
    ]


@pytest.mark.parametrize(
    "first", ["tests.wrapped.OwnerPermissionBackend", "tests.wrapped.RulesBackend"]
)
def test_adapted_it_passes_and_every_login_works(
    first: str, backend_mode: Mode, alice: User
) -> None:
    assert check_ids(first, MODEL_BACKEND) == []
    with override_settings(AUTHENTICATION_BACKENDS=[first, MODEL_BACKEND]):
        assert login(backend_mode, username="alice", password="alice-password") == alice
        assert login(backend_mode, username="alice", password="wrong") is None


# How the credentials are read: as Django binds them, from authenticate()'s signature.


def test_credentials_are_read_from_the_signature_django_binds() -> None:
    model, remote = (
        import_string(f"django.contrib.auth.backends.{n}")
        for n in ("ModelBackend", "RemoteUserBackend")
    )
    assert named_credentials(model) == ("username", "password")
    assert named_credentials(remote) == ("remote_user",)
    assert named_credentials(StaticTokenBackend) == ("token",)
    assert named_credentials(import_string(RULES)) == ()  # (*args, **kwargs)
    assert named_credentials(import_string(OWNER_PERMISSIONS)) == ()  # (request, **credentials)
    # ModelBackend's **kwargs take a token login, but it names no token: it cannot answer it.
    assert takes(model, ("token",))
    assert not can_answer(model, ("token",))
    assert can_answer(model, ("username", "password"))
    assert not takes(remote, ("username", "password"))
    for unreadable in (UnreadableBackend, import_string("tests.backends.OneTimeCodeBackend")):
        assert named_credentials(unreadable) == ()
        assert not takes(unreadable, ("token",))
