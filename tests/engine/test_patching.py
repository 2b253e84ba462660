"""A side replaced after class creation (``mock.patch.object`` in a test) is followed by its twin.

The derived twin runs whatever the class that defines its source holds now,
or the class it was derived on (the class ``dual_mode()`` made); a
replacement elsewhere, or of the derived side itself, is not followed
(``docs/reference/engine.md``).
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.contrib.auth.models import User
from django.test import override_settings

from auth_backend_sdk import DualModeMixin, describe
from auth_backend_sdk.engine.description import Hazard
from auth_backend_sdk.testing import ASYNC, Mode
from tests import backends, wrapped


def refuse_everyone(self: Any, request: Any, **credentials: Any) -> None:
    return None


async def arefuse_everyone(self: Any, request: Any, **credentials: Any) -> None:
    return None


def log_in(mode: Mode) -> User | None:
    """A login through Django's (a)authenticate(), as a view makes it."""
    credentials = {"username": "alice", "password": "alice-password"}
    if mode is ASYNC:
        user: User | None = async_to_sync(aauthenticate)(None, **credentials)
    else:
        user = authenticate(None, **credentials)
    return user


class LockoutBackend(DualModeMixin, backends.LockoutBackend):
    """The sync-only lockout backend, its async side derived."""


@override_settings(AUTHENTICATION_BACKENDS=[f"{__name__}.LockoutBackend"])
def test_patching_the_sync_side_is_followed_by_the_derived_async_side(
    backend_mode: Mode, alice: User
) -> None:
    assert log_in(backend_mode) == alice
    # The source lives on tests.backends.LockoutBackend, the class that defines it.
    with mock.patch.object(backends.LockoutBackend, "authenticate", refuse_everyone):
        assert log_in(backend_mode) is None
    assert log_in(backend_mode) == alice


@override_settings(AUTHENTICATION_BACKENDS=["tests.wrapped.LockoutBackend"])
def test_patching_the_class_dual_mode_made_is_followed(backend_mode: Mode, alice: User) -> None:
    with mock.patch.object(wrapped.LockoutBackend, "authenticate", refuse_everyone):
        assert log_in(backend_mode) is None
    assert log_in(backend_mode) == alice


class AsyncFirstBackend(DualModeMixin):
    async def aauthenticate(self, request: Any, username: str = "", password: str = "") -> Any:
        return await User.objects.filter(username=username).afirst()


@override_settings(AUTHENTICATION_BACKENDS=[f"{__name__}.AsyncFirstBackend"])
def test_patching_the_async_side_is_followed_by_the_derived_sync_side(
    backend_mode: Mode, alice: User
) -> None:
    assert log_in(backend_mode) == alice
    with mock.patch.object(AsyncFirstBackend, "aauthenticate", arefuse_everyone):
        assert log_in(backend_mode) is None
    assert log_in(backend_mode) == alice


@pytest.mark.parametrize(
    "patch",
    [
        pytest.param({"return_value": None}, id="MagicMock"),
        pytest.param({"autospec": True, "return_value": None}, id="autospec"),
    ],
)
def test_mocks_are_called_as_attribute_access_would_call_them(
    backend_mode: Mode, patch: dict[str, Any], alice: User
) -> None:
    backend = LockoutBackend()
    with mock.patch.object(backends.LockoutBackend, "authenticate", **patch) as replaced:
        assert (
            backend_mode.call(backend, "authenticate", None, username="alice", password="x") is None
        )
    replaced.assert_called_once()
    args = replaced.call_args.args
    # autospec binds like a function (self first); a plain mock is not a descriptor.
    assert args == ((backend, None) if "autospec" in patch else (None,))
    assert replaced.call_args.kwargs == {"username": "alice", "password": "x"}


def test_super_calls_still_reach_the_base_class_definition(backend_mode: Mode) -> None:
    class Base(DualModeMixin):
        def get_user(self, user_id: int) -> str:
            return "Base.sync"

    class Child(Base):
        def get_user(self, user_id: int) -> str:
            return "Child.sync"

        async def aget_user(self, user_id: int) -> str:
            base: str = await super().aget_user(user_id)
            return "Child.async+" + base

    expected = "Child.async+Base.sync" if backend_mode is ASYNC else "Child.sync"
    assert backend_mode.call(Child(), "get_user", 1) == expected

    def patched(self: Any, user_id: int) -> str:
        return "patched Base"

    with mock.patch.object(Base, "get_user", patched):
        assert backend_mode.call(Child(), "get_user", 1) == (
            "Child.async+patched Base" if backend_mode is ASYNC else "Child.sync"
        )


def test_a_replacement_on_a_subclass_that_only_inherits_the_source_is_not_followed(
    alice: User,
) -> None:
    """Documented: patch the class describe() names as the source's owner."""

    class Inheriting(LockoutBackend):
        pass

    credentials = {"username": "alice", "password": "alice-password"}
    with mock.patch.object(Inheriting, "authenticate", refuse_everyone):
        assert Inheriting().authenticate(None, **credentials) is None
        assert async_to_sync(Inheriting().aauthenticate)(None, **credentials) == alice
        assert describe(Inheriting).pair("authenticate").hazard is Hazard.ASYNC_SHADOWED


def test_describe_reports_a_followed_replacement_as_no_hazard() -> None:
    assert describe(LockoutBackend).hazards == ()
    with mock.patch.object(backends.LockoutBackend, "authenticate", refuse_everyone):
        assert describe(LockoutBackend).hazards == ()
    with mock.patch.object(LockoutBackend, "authenticate", refuse_everyone):
        assert describe(LockoutBackend).hazards == ()
