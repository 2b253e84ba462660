"""The hazards of docs/explanation/hazards.md, through Django's own entry points.

Each synthetic backend is tested twice: as written (the hazard is real on the
running Django version) and adapted with ``dual_mode()`` (both modes agree).
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from tests.testapp.models import ApiToken, Article, Lockout

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def backends(*paths: str) -> override_settings:
    return override_settings(AUTHENTICATION_BACKENDS=list(paths))


def login(mode: Mode, **credentials: Any) -> Any:
    return mode.call(auth, "authenticate", None, **credentials)


def request_with_session() -> HttpRequest:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def user_from_session(mode: Mode, user: User, backend: str) -> Any:
    """Log ``user`` in on a fresh session, then ask Django who the session belongs to."""
    request = request_with_session()
    mode.run(auth.login, auth.alogin)(request, user, backend=backend)
    return mode.call(auth, "get_user", request)


# (a) Lockout: PermissionDenied while an account is locked.


def test_a_as_written_async_login_ignores_the_lockout(alice: User) -> None:
    Lockout.objects.create(username="alice")
    with backends("tests.backends.LockoutBackend"):
        assert login(SYNC, username="alice", password="alice-password") is None
        assert login(ASYNC, username="alice", password="alice-password") == alice


def test_a_adapted_lockout_holds_in_both_modes(backend_mode: Mode, alice: User, bob: User) -> None:
    Lockout.objects.create(username="alice")
    # PermissionDenied stops the chain: the ModelBackend behind it is never asked.
    with backends("tests.wrapped.LockoutBackend", MODEL_BACKEND):
        assert login(backend_mode, username="alice", password="alice-password") is None
        assert login(backend_mode, username="bob", password="bob-password") == bob
        assert login(backend_mode, username="bob", password="wrong") is None


# (b) Token login, and a get_user that ends sessions whose token was revoked.


def test_b_as_written_async_token_login_fails_and_revocation_is_ignored(alice: User) -> None:
    token = ApiToken.objects.create(key="t-alice", user=alice)
    path = "tests.backends.TokenBackend"
    with backends(path):
        assert login(SYNC, token="t-alice") == alice
        assert login(ASYNC, token="t-alice") is None
        token.delete()
        assert user_from_session(SYNC, alice, path).is_anonymous
        assert user_from_session(ASYNC, alice, path) == alice


def test_b_adapted_token_login_and_get_user_work_in_both_modes(
    backend_mode: Mode, alice: User
) -> None:
    token = ApiToken.objects.create(key="t-alice", user=alice)
    path = "tests.wrapped.TokenBackend"
    with backends(path):
        user = login(backend_mode, token="t-alice")
        assert user == alice
        assert user.backend == path
        assert login(backend_mode, token="t-unknown") is None
        assert user_from_session(backend_mode, alice, path) == alice
        token.delete()
        assert user_from_session(backend_mode, alice, path).is_anonymous


# (c) An e-mail-only login policy.


def test_c_as_written_async_inverts_the_policy(alice: User) -> None:
    with backends("tests.backends.EmailOnlyBackend"):
        assert login(SYNC, username="alice@example.com", password="alice-password") == alice
        assert login(SYNC, username="alice", password="alice-password") is None
        assert login(ASYNC, username="alice@example.com", password="alice-password") is None
        assert login(ASYNC, username="alice", password="alice-password") == alice


def test_c_adapted_policy_holds_in_both_modes(backend_mode: Mode, alice: User) -> None:
    with backends("tests.wrapped.EmailOnlyBackend"):
        assert login(backend_mode, username="ALICE@example.com", password="alice-password") == alice
        assert login(backend_mode, username="alice", password="alice-password") is None
        assert login(backend_mode, username="alice@example.com", password="wrong") is None


# (d) A plain object-permission backend with only has_perm.


@pytest.fixture
def article(alice: User) -> Article:
    return Article.objects.create(title="Alice's", owner=alice)


def test_d_as_written_async_denies_and_crashes_login(alice: User, article: Article) -> None:
    with backends(MODEL_BACKEND, "tests.backends.OwnerPermissionBackend"):
        assert alice.has_perm("testapp.change_article", article) is True
        assert async_to_sync(alice.ahas_perm)("testapp.change_article", article) is False
        assert login(SYNC, username="alice", password="wrong") is None
        with pytest.raises(AttributeError, match="aauthenticate"):
            login(ASYNC, username="alice", password="wrong")


def test_d_adapted_permissions_agree_and_login_chain_does_not_crash(
    backend_mode: Mode, alice: User, bob: User, article: Article
) -> None:
    with backends(MODEL_BACKEND, "tests.wrapped.OwnerPermissionBackend"):
        assert backend_mode.call(alice, "has_perm", "testapp.change_article", article) is True
        assert backend_mode.call(alice, "has_perm", "testapp.delete_article", article) is True
        assert backend_mode.call(alice, "has_perm", "testapp.view_article", article) is False
        assert backend_mode.call(bob, "has_perm", "testapp.change_article", article) is False
        assert (
            backend_mode.call(AnonymousUser(), "has_perm", "testapp.change_article", article)
            is False
        )
        assert login(backend_mode, username="alice", password="wrong") is None
        assert login(backend_mode, username="alice", password="alice-password") == alice


# (e) An async-only backend.


def test_e_as_written_every_login_crashes(alice: User) -> None:
    ApiToken.objects.create(key="424242", user=alice)
    # Django reads the signature of backend.authenticate even for aauthenticate().
    with backends("tests.backends.OneTimeCodeBackend", MODEL_BACKEND):
        for mode in (SYNC, ASYNC):
            with pytest.raises(AttributeError, match="authenticate"):
                login(mode, username="alice", otp="424242")


def test_e_adapted_works_in_both_modes_and_binds_its_signature(
    backend_mode: Mode, alice: User
) -> None:
    ApiToken.objects.create(key="424242", user=alice)
    path = "tests.wrapped.OneTimeCodeBackend"
    with backends(path, MODEL_BACKEND):
        user = login(backend_mode, username="alice", otp="424242")
        assert (user, user.backend) == (alice, path)
        assert login(backend_mode, username="alice", otp="000000") is None
        # A password does not bind to (request, username, otp): Django skips it.
        user = login(backend_mode, username="alice", password="alice-password")
        assert (user, user.backend) == (alice, MODEL_BACKEND)
        assert user_from_session(backend_mode, alice, path) == alice
        alice.is_active = False
        alice.save()
        assert user_from_session(backend_mode, alice, path).is_anonymous


def test_e_adapted_sync_login_from_a_sync_view_under_asgi(alice: User) -> None:
    ApiToken.objects.create(key="424242", user=alice)
    with backends("tests.wrapped.OneTimeCodeBackend"):
        # A sync view under ASGI runs in a sync_to_async thread of the request's loop.
        in_sync_view = async_to_sync(sync_to_async(auth.authenticate))
        assert in_sync_view(None, username="alice", otp="424242") == alice


# A private hook Django calls on self: ModelBackend._get_permissions.


def test_hook_as_written_async_bypasses_the_override(alice: User) -> None:
    alice.user_permissions.add(*Permission.objects.filter(codename__in=DELETE_AND_VIEW))
    with backends("tests.backends.NoDeletionBackend"):
        assert fresh(alice).has_perm("testapp.delete_article") is False
        assert async_to_sync(fresh(alice).ahas_perm)("testapp.delete_article") is True


def test_hook_adapted_holds_in_both_modes(backend_mode: Mode, alice: User) -> None:
    alice.user_permissions.add(*Permission.objects.filter(codename__in=DELETE_AND_VIEW))
    with backends("tests.wrapped.NoDeletionBackend"):
        assert backend_mode.call(fresh(alice), "has_perm", "testapp.delete_article") is False
        assert backend_mode.call(fresh(alice), "has_perm", "testapp.view_article") is True
        assert backend_mode.call(fresh(alice), "get_all_permissions") == {"testapp.view_article"}


DELETE_AND_VIEW = ["delete_article", "view_article"]


def fresh(user: User) -> User:
    """The user without Django's per-object permission caches."""
    return User.objects.get(pk=user.pk)
