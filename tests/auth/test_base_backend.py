"""``auth_backend_sdk.BaseBackend``: Django's BaseBackend, dual-mode and typed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from auth_backend_sdk import BaseBackend, describe
from auth_backend_sdk.testing import Mode


class NothingOverridden(BaseBackend[User]):
    pass


class SyncFirst(BaseBackend[User]):
    def authenticate(self, request: Any, **credentials: Any) -> User | None:
        if credentials.get("username") == "blocked":
            raise PermissionDenied
        return User(username=credentials.get("username", ""))

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return {"app.view_thing"}


class AsyncFirst(BaseBackend[User]):
    async def aget_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return {"app.change_thing"}


def test_it_is_a_django_base_backend() -> None:
    assert isinstance(SyncFirst(), django_backends.BaseBackend)
    assert issubclass(BaseBackend, django_backends.BaseBackend)


def test_django_defaults_still_answer_when_nothing_is_overridden(backend_mode: Mode) -> None:
    backend = NothingOverridden()
    assert backend_mode.call(backend, "authenticate", None, username="x") is None
    assert backend_mode.call(backend, "get_user", 1) is None
    assert backend_mode.call(backend, "get_all_permissions", AnonymousUser()) == set()
    assert backend_mode.call(backend, "has_perm", AnonymousUser(), "app.any") is False
    assert describe(NothingOverridden).hazards == ()


def test_sync_overrides_reach_async_callers(backend_mode: Mode) -> None:
    backend = SyncFirst()
    assert backend_mode.call(backend, "authenticate", None, username="dana").username == "dana"
    user = AnonymousUser()
    assert backend_mode.call(backend, "get_all_permissions", user) == {"app.view_thing"}
    assert backend_mode.call(backend, "has_perm", user, "app.view_thing") is True
    assert backend_mode.call(backend, "has_perm", user, "app.other") is False


def test_async_overrides_reach_sync_callers(backend_mode: Mode) -> None:
    backend = AsyncFirst()
    user = AnonymousUser()
    assert backend_mode.call(backend, "get_group_permissions", user) == {"app.change_thing"}
    assert backend_mode.call(backend, "get_all_permissions", user) == {"app.change_thing"}
    assert backend_mode.call(backend, "has_perm", user, "app.change_thing") is True


def test_permission_denied_crosses_in_both_modes(backend_mode: Mode) -> None:
    import pytest

    with pytest.raises(PermissionDenied):
        backend_mode.call(SyncFirst(), "authenticate", None, username="blocked")
