"""``reference_backends.ModelBackend``: Django's behaviour in both modes, fewer hops, no stalls.

Django's own ``ModelBackend`` (its sync side, which is correct) is the oracle
wherever behaviour is compared.
"""

from __future__ import annotations

import functools
import gc
import threading
import weakref
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.exceptions import SynchronousOnlyOperation
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

import reference_backends
from auth_backend_sdk import describe
from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from reference_backends import AllowAllUsersModelBackend, ModelBackend
from tests import hashers
from tests.testapp.models import EmailUser, Lockout


def test_drop_in_classes_subclass_djangos_and_have_no_hazards() -> None:
    pairs = [
        (reference_backends.ModelBackend, django_backends.ModelBackend),
        (reference_backends.AllowAllUsersModelBackend, django_backends.AllowAllUsersModelBackend),
        (reference_backends.RemoteUserBackend, django_backends.RemoteUserBackend),
        (
            reference_backends.AllowAllUsersRemoteUserBackend,
            django_backends.AllowAllUsersRemoteUserBackend,
        ),
    ]
    for ours, django in pairs:
        assert issubclass(ours, django)
        described = describe(ours)
        assert described.is_dual_mode
        assert described.hazards == ()
        for name in ("authenticate", "get_user", "get_all_permissions", "has_perm"):
            owner = described.pair(name).async_.defined_in
            assert owner is not None
            assert owner.__module__.startswith("reference_backends")


# Authentication


def test_authenticate_like_django(backend_mode: Mode, alice: User) -> None:
    backend = ModelBackend()
    assert (
        backend_mode.call(
            backend, "authenticate", None, username="alice", password="alice-password"
        )
        == alice
    )
    assert (
        backend_mode.call(backend, "authenticate", None, username="alice", password="wrong") is None
    )
    assert backend_mode.call(backend, "authenticate", None, username="nobody", password="x") is None
    assert backend_mode.call(backend, "authenticate", None, username="alice") is None
    assert backend_mode.call(backend, "authenticate", None, password="alice-password") is None


def test_inactive_users_are_refused_unless_all_users_are_allowed(
    backend_mode: Mode, alice: User
) -> None:
    alice.is_active = False
    alice.save()
    credentials = {"username": "alice", "password": "alice-password"}
    assert backend_mode.call(ModelBackend(), "authenticate", None, **credentials) is None
    allowed = backend_mode.call(AllowAllUsersModelBackend(), "authenticate", None, **credentials)
    assert allowed == alice


@override_settings(AUTH_USER_MODEL="testapp.EmailUser")
def test_username_field_through_kwargs_and_users_without_is_active(
    backend_mode: Mode, db: None
) -> None:
    user = EmailUser.objects.create_user("erin@example.com", "erin-password")
    backend = ModelBackend()
    found = backend_mode.call(
        backend, "authenticate", None, email="erin@example.com", password="erin-password"
    )
    assert found == user
    assert backend_mode.call(backend, "get_user", user.pk) == user


def test_unknown_users_still_cost_one_hash(backend_mode: Mode, db: None) -> None:
    """Ticket #20760: the time taken must not reveal whether the account exists."""
    with override_settings(PASSWORD_HASHERS=["tests.hashers.ThreadRecordingMD5PasswordHasher"]):
        hashers.hashing_threads.clear()
        assert (
            backend_mode.call(ModelBackend(), "authenticate", None, username="nobody", password="x")
            is None
        )
        assert hashers.hashing_threads, "the default hasher must run for an unknown user"


def test_hashing_never_runs_on_the_event_loop_thread(alice: User) -> None:
    with override_settings(PASSWORD_HASHERS=["tests.hashers.ThreadRecordingMD5PasswordHasher"]):
        alice.set_password("alice-password")
        alice.save()
        hashers.hashing_threads.clear()
        loop_threads: list[str] = []

        async def login() -> Any:
            loop_threads.append(threading.current_thread().name)
            return await ModelBackend().aauthenticate(
                None, username="alice", password="alice-password"
            )

        assert async_to_sync(login)() == alice
    assert hashers.hashing_threads
    assert all(name.startswith("auth-hashing") for name in hashers.hashing_threads)
    assert not set(hashers.hashing_threads) & set(loop_threads)


UPGRADE_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=UPGRADE_HASHERS)
def test_a_successful_login_upgrades_an_outdated_hash_saving_only_the_password(
    backend_mode: Mode, db: None
) -> None:
    user = User.objects.create(username="olga", first_name="Olga")
    user.password = "md5$salt$" + "0" * 32  # replaced below by a real MD5 hash
    from django.contrib.auth.hashers import make_password

    user.password = make_password("olga-password", hasher="md5")
    user.save()
    User.objects.filter(pk=user.pk).update(first_name="Changed elsewhere")

    backend = ModelBackend()
    assert (
        backend_mode.call(backend, "authenticate", None, username="olga", password="wrong") is None
    )
    assert User.objects.get(pk=user.pk).password.startswith("md5$")

    with CaptureQueriesContext(connection) as queries:
        logged_in = backend_mode.call(
            backend, "authenticate", None, username="olga", password="olga-password"
        )
    assert logged_in == user
    stored = User.objects.get(pk=user.pk)
    assert stored.password.startswith("pbkdf2_sha256$")
    assert stored.check_password("olga-password")
    assert stored.first_name == "Changed elsewhere", "only the password column may be saved"
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert "first_name" not in updates[0]


# get_user


def test_get_user_like_django(backend_mode: Mode, alice: User, bob: User) -> None:
    bob.is_active = False
    bob.save()
    assert backend_mode.call(ModelBackend(), "get_user", alice.pk) == alice
    assert backend_mode.call(ModelBackend(), "get_user", 987654) is None
    assert backend_mode.call(ModelBackend(), "get_user", bob.pk) is None
    assert backend_mode.call(AllowAllUsersModelBackend(), "get_user", bob.pk) == bob


# Permissions


@pytest.fixture
def permission_world(db: None) -> list[Any]:
    def perm(codename: str) -> Permission:
        return Permission.objects.get(codename=codename)

    plain = User.objects.create_user("plain", password="x")
    direct = User.objects.create_user("direct", password="x")
    direct.user_permissions.add(perm("add_article"), perm("view_lockout"))
    grouped = User.objects.create_user("grouped", password="x")
    editors = Group.objects.create(name="editors")
    editors.permissions.add(perm("change_article"), perm("view_lockout"))
    grouped.groups.add(editors)
    grouped.user_permissions.add(perm("add_user"))
    inactive = User.objects.create_user("inactive", password="x", is_active=False)
    inactive.user_permissions.add(perm("add_article"))
    root = User.objects.create_superuser("root", password="x")
    return [plain, direct, grouped, inactive, root, AnonymousUser()]


def fresh(user: Any) -> Any:
    return user if user.is_anonymous else User.objects.get(pk=user.pk)


PERMISSION_METHODS = ["get_user_permissions", "get_group_permissions", "get_all_permissions"]


@pytest.mark.parametrize("method", PERMISSION_METHODS)
def test_permission_sets_match_djangos(
    backend_mode: Mode, method: str, permission_world: list[Any]
) -> None:
    lockout = Lockout.objects.create(username="x")
    for user in permission_world:
        expected = getattr(django_backends.ModelBackend(), method)(fresh(user))
        assert backend_mode.call(ModelBackend(), method, fresh(user)) == expected
        assert backend_mode.call(ModelBackend(), method, fresh(user), lockout) == set()
    root = permission_world[4]
    assert len(backend_mode.call(ModelBackend(), method, fresh(root))) == Permission.objects.count()


def test_has_perm_and_module_perms_match_djangos(
    backend_mode: Mode, permission_world: list[Any]
) -> None:
    perms = [
        "testapp.add_article",
        "testapp.change_article",
        "auth.add_user",
        "testapp.view_lockout",
    ]
    for user in permission_world:
        for perm in perms:
            expected = django_backends.ModelBackend().has_perm(fresh(user), perm)
            assert backend_mode.call(ModelBackend(), "has_perm", fresh(user), perm) == expected
        for app_label in ("testapp", "auth", "sessions"):
            expected = django_backends.ModelBackend().has_module_perms(fresh(user), app_label)
            assert (
                backend_mode.call(ModelBackend(), "has_module_perms", fresh(user), app_label)
                == expected
            )


@pytest.mark.parametrize(
    ("fill", "read"), [(ASYNC, SYNC), (SYNC, ASYNC)], ids=["async-fills", "sync-fills"]
)
def test_caches_are_shared_between_modes(
    fill: Mode, read: Mode, permission_world: list[Any]
) -> None:
    grouped = fresh(permission_world[2])
    filled = fill.call(ModelBackend(), "get_all_permissions", grouped)
    assert {"testapp.change_article", "auth.add_user"} <= filled
    assert grouped._user_perm_cache == {"auth.add_user"}
    with CaptureQueriesContext(connection) as queries:
        assert read.call(ModelBackend(), "get_all_permissions", grouped) is filled
        assert (
            read.call(ModelBackend(), "get_group_permissions", grouped) == grouped._group_perm_cache
        )
        assert read.call(ModelBackend(), "has_perm", grouped, "auth.add_user") is True
    assert queries.captured_queries == []


def test_with_perm_is_djangos(permission_world: list[Any]) -> None:
    assert {u.username for u in ModelBackend().with_perm("testapp.add_article")} == {
        "direct",
        "root",
    }
    with pytest.raises(ValueError, match=r"app_label\.permission_codename"):
        ModelBackend().with_perm("nodot")
    with pytest.raises(TypeError, match="string or a permission instance"):
        ModelBackend().with_perm(42)  # type: ignore[arg-type]


# Thread hops (counts, not times)


def hops_of(call: Any) -> int:
    async def counted() -> int:
        with count_hops() as hops:
            await call()
        return hops.count

    return async_to_sync(counted)()


def test_hop_budgets(permission_world: list[Any], alice: User) -> None:
    backend = ModelBackend()
    assert (
        hops_of(lambda: backend.aauthenticate(None, username="alice", password="alice-password"))
        <= 2
    )
    assert hops_of(lambda: backend.aauthenticate(None, username="nobody", password="x")) <= 2
    assert hops_of(lambda: backend.aget_user(alice.pk)) <= 1
    for name in ("aget_all_permissions", "aget_user_permissions", "aget_group_permissions"):
        method, grouped = getattr(backend, name), fresh(permission_world[2])
        assert hops_of(functools.partial(method, grouped)) <= 1, name
        assert hops_of(functools.partial(method, grouped)) == 0, name
    grouped = fresh(permission_world[2])
    assert hops_of(lambda: backend.ahas_perm(grouped, "auth.add_user")) <= 1
    assert hops_of(lambda: backend.ahas_perm(grouped, "auth.add_user")) == 0
    grouped = fresh(permission_world[2])
    assert hops_of(lambda: backend.ahas_module_perms(grouped, "auth")) <= 1
    assert hops_of(lambda: backend.ahas_module_perms(grouped, "auth")) == 0


# Subclasses


class NoAddingBackend(ModelBackend):
    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return {p for p in super().get_user_permissions(user_obj, obj) if ".add_" not in p}

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm != "testapp.view_lockout" and super().has_perm(user_obj, perm, obj)


class LockoutAwareBackend(ModelBackend):
    """Overrides hooks that query the database."""

    def user_can_authenticate(self, user: Any) -> bool:
        return (
            bool(super().user_can_authenticate(user))
            and not Lockout.objects.filter(username=user.get_username()).exists()
        )

    def _get_group_permissions(self, user_obj: Any) -> Any:
        if Lockout.objects.filter(username=user_obj.get_username()).exists():
            return Permission.objects.none()
        return super()._get_group_permissions(user_obj)  # type: ignore[misc]


def test_sync_overrides_are_honoured_in_async(
    backend_mode: Mode, permission_world: list[Any]
) -> None:
    direct, grouped = (fresh(u) for u in permission_world[1:3])
    backend = NoAddingBackend()
    assert backend_mode.call(backend, "get_all_permissions", direct) == {"testapp.view_lockout"}
    assert backend_mode.call(backend, "has_perm", fresh(grouped), "testapp.view_lockout") is False
    assert backend_mode.call(backend, "has_perm", fresh(grouped), "testapp.change_article") is True


def test_hooks_that_query_the_database_work_in_async(
    backend_mode: Mode, permission_world: list[Any]
) -> None:
    grouped = permission_world[2]
    backend = LockoutAwareBackend()
    assert (
        backend_mode.call(backend, "authenticate", None, username="grouped", password="x")
        == grouped
    )
    assert backend_mode.call(backend, "get_user", grouped.pk) == grouped
    assert "testapp.change_article" in backend_mode.call(
        backend, "get_all_permissions", fresh(grouped)
    )
    Lockout.objects.create(username="grouped")
    assert (
        backend_mode.call(backend, "authenticate", None, username="grouped", password="x") is None
    )
    assert backend_mode.call(backend, "get_user", grouped.pk) is None
    assert backend_mode.call(backend, "get_all_permissions", fresh(grouped)) == {"auth.add_user"}


def test_djangos_own_async_side_fails_on_the_same_hook(permission_world: list[Any]) -> None:
    """Why the hooks run in the ORM's thread: Django 6.1 calls them on the loop."""

    class DjangoLockoutAware(django_backends.ModelBackend):
        def user_can_authenticate(self, user: Any) -> bool:
            return not Lockout.objects.filter(username=user.get_username()).exists()

    with pytest.raises(SynchronousOnlyOperation):
        async_to_sync(DjangoLockoutAware().aget_user)(permission_world[2].pk)


class NoDeletingBackend(ModelBackend):
    """Overrides Django's private hook, as some projects do."""

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        granted = super()._get_permissions(user_obj, obj, from_name)  # type: ignore[misc]
        return {perm for perm in granted if ".view_" not in perm}


class ReadOnlyAllPermissions(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return {p for p in super().get_all_permissions(user_obj, obj) if ".view_" in p}


@pytest.mark.parametrize("backend_class", [NoDeletingBackend, ReadOnlyAllPermissions])
def test_overrides_reached_through_self_are_honoured(
    backend_mode: Mode, backend_class: type, permission_world: list[Any]
) -> None:
    direct = fresh(permission_world[1])  # testapp.add_article, testapp.view_lockout
    expected = backend_class().get_all_permissions(fresh(direct))
    assert backend_mode.call(backend_class(), "get_all_permissions", fresh(direct)) == expected
    has_view = "testapp.view_lockout" in expected
    assert (
        backend_mode.call(backend_class(), "has_perm", fresh(direct), "testapp.view_lockout")
        is has_view
    )
    assert backend_mode.call(backend_class(), "has_module_perms", fresh(direct), "testapp") is True
    assert expected in ({"testapp.add_article"}, {"testapp.view_lockout"})


class AsyncPermissionsWithHookBackend(ModelBackend):
    """An async override, and a hook that calls back into the backend from the ORM's thread."""

    async def aget_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return await super().aget_user_permissions(user_obj, obj)

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(super().user_can_authenticate(user)) and not self.has_perm(
            user, "testapp.add_lockout"
        )


@override_settings(REFERENCE_BACKENDS_ORM_CONCURRENCY=1)
def test_user_code_inside_an_orm_step_may_call_back_without_deadlock(
    backend_mode: Mode, alice: User
) -> None:
    backend = AsyncPermissionsWithHookBackend()
    assert backend_mode.call(
        backend, "authenticate", None, username="alice", password="alice-password"
    )
    alice.user_permissions.add(Permission.objects.get(codename="add_lockout"))
    assert (
        backend_mode.call(
            backend, "authenticate", None, username="alice", password="alice-password"
        )
        is None
    )


# Hooks replaced after a class's first use (mock.patch.object in a test)


def _view_article_only(self: Any, user_obj: Any) -> Any:
    return Permission.objects.filter(codename="view_article")


def _view_article_set(self: Any, *args: Any, **kwargs: Any) -> set[str]:
    return {"testapp.view_article"}


async def _aview_article_set(self: Any, *args: Any, **kwargs: Any) -> set[str]:
    return {"testapp.view_article"}


PATCHES = {
    # hook: (its replacement, the modes in which Django's ModelBackend calls it)
    "_get_user_permissions": (_view_article_only, (SYNC, ASYNC)),
    "_get_group_permissions": (_view_article_only, (SYNC, ASYNC)),
    "_get_permissions": (_view_article_set, (SYNC,)),
    "_aget_permissions": (_aview_article_set, (ASYNC,)),
    "get_all_permissions": (_view_article_set, (SYNC,)),
    "aget_all_permissions": (_aview_article_set, (ASYNC,)),
}


@pytest.mark.parametrize("hook", list(PATCHES))
def test_a_hook_patched_after_first_use_is_followed_as_django_follows_it(
    backend_mode: Mode, hook: str, permission_world: list[Any]
) -> None:
    replacement, django_calls_it_in = PATCHES[hook]
    direct = permission_world[1]  # testapp.add_article, testapp.view_lockout

    class DjangoBackend(django_backends.ModelBackend):
        pass

    class Backend(ModelBackend):
        pass

    def has_view_article(backend_class: type) -> bool:
        result: bool = backend_mode.call(
            backend_class(), "has_perm", fresh(direct), "testapp.view_article"
        )
        return result

    assert has_view_article(Backend) is has_view_article(DjangoBackend) is False  # first use
    with mock.patch.object(DjangoBackend, hook, replacement):
        expected = has_view_article(DjangoBackend)
    with mock.patch.object(Backend, hook, replacement):
        assert has_view_article(Backend) is expected
    assert expected is (backend_mode in django_calls_it_in)
    assert has_view_article(Backend) is False  # unpatched again


def test_no_backend_class_is_kept_alive_by_the_reference_backends(alice: User) -> None:
    class Temporary(ModelBackend):
        def user_can_authenticate(self, user: Any) -> bool:
            return True

    for mode in (SYNC, ASYNC):
        backend = Temporary()
        assert mode.call(backend, "authenticate", None, username="alice", password="x") is None
        assert mode.call(backend, "has_perm", fresh(alice), "auth.add_user") is False
    collected = weakref.ref(Temporary)
    del Temporary, backend
    gc.collect()
    assert collected() is None


class AsyncLockoutHookBackend(ModelBackend):
    """An ``async def`` hook: merely called, its coroutine would be truthy."""

    async def user_can_authenticate(self, user: Any) -> bool:  # type: ignore[override]
        return not await Lockout.objects.filter(username=user.get_username()).aexists()


def test_an_async_hook_is_awaited_in_both_modes(backend_mode: Mode, alice: User) -> None:
    credentials = {"username": "alice", "password": "alice-password"}
    backend = AsyncLockoutHookBackend()
    assert backend_mode.call(backend, "authenticate", None, **credentials) == alice
    assert backend_mode.call(backend, "get_user", alice.pk) == alice
    Lockout.objects.create(username="alice")
    assert backend_mode.call(backend, "authenticate", None, **credentials) is None
    assert backend_mode.call(backend, "get_user", alice.pk) is None
