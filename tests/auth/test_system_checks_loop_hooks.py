"""W009: a hook Django's own async side calls on the event loop, overridden with a query.

Django's ``ModelBackend.aauthenticate()`` and ``aget_user()`` call
``self.user_can_authenticate()`` on the loop, and ``RemoteUserBackend.aauthenticate()``
calls ``self.clean_username()`` there too; ``configure_user()`` goes to a thread
(``aconfigure_user()`` bridges it). The check declares these facts in
``auth_backend_sdk.auth._loop_hooks.DJANGO_HOOKS_ON_THE_LOOP``; the tests here reproduce
each one on the installed Django, so a release that changes them fails here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib import auth
from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import Group, Permission, User
from django.core.checks import Warning
from django.core.exceptions import SynchronousOnlyOperation
from django.http import HttpRequest
from django.test import override_settings

import reference_backends
from auth_backend_sdk import DualModeMixin, dual_mode
from auth_backend_sdk.auth._loop_hooks import DJANGO_HOOKS_ON_THE_LOOP, hooks_on_the_loop
from auth_backend_sdk.auth.system_checks import check_authentication_backends
from auth_backend_sdk.testing import ASYNC, SYNC, Mode

HERE = __name__


class StaffOnlyHook:
    """Only members of the "staff" group may log in: a hook that queries the database."""

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(user.is_active) and user.groups.filter(name="staff").exists()


class StaffOnlyBackend(StaffOnlyHook, django_backends.ModelBackend):
    pass


class DualModeStaffOnlyBackend(DualModeMixin, StaffOnlyHook, django_backends.ModelBackend):
    pass


AdaptedStaffOnlyBackend = dual_mode(StaffOnlyBackend)


class ReferenceStaffOnlyBackend(StaffOnlyHook, reference_backends.ModelBackend):
    pass


class EmailRemoteUserBackend(django_backends.RemoteUserBackend):
    """The web server passes an e-mail address; the hook looks up whose it is."""

    create_unknown_user = False

    def clean_username(self, username: str) -> str:
        found = User.objects.filter(email=username).values_list("username", flat=True).first()
        return found or username


class ReferenceEmailRemoteUserBackend(reference_backends.RemoteUserBackend):
    create_unknown_user = False

    def clean_username(self, username: str) -> str:
        return EmailRemoteUserBackend.clean_username(self, username)  # type: ignore[arg-type]


class StampingRemoteUserBackend(django_backends.RemoteUserBackend):
    """``configure_user()`` writes to the database: Django runs it in a thread."""

    def configure_user(self, request: HttpRequest | None, user: Any, created: bool = True) -> Any:
        User.objects.filter(pk=user.pk).update(first_name="stamped")
        return user


class WrappingStaffOnlyBackend(StaffOnlyBackend):
    """Thin async wrappers (for logging, say) over Django's own: the hook still runs on the loop."""

    async def aauthenticate(  # type: ignore[override]
        self, request: HttpRequest | None, **credentials: Any
    ) -> Any:
        return await super().aauthenticate(request, **credentials)

    async def aget_user(self, user_id: Any) -> Any:
        return await super().aget_user(user_id)


class LazyGroupsBackend(django_backends.ModelBackend):
    """A permission hook returning a lazy queryset, as Django's own: fine on the loop."""

    def _get_group_permissions(self, user_obj: Any) -> Any:
        return super()._get_group_permissions(user_obj).exclude(codename__startswith="delete_")  # type: ignore[misc]


@pytest.fixture
def staff_member(alice: User) -> User:
    alice.groups.add(Group.objects.create(name="staff"))
    return alice


@pytest.fixture
def group_member(alice: User) -> User:
    group = Group.objects.create(name="user admins")
    group.permissions.add(Permission.objects.get(codename="view_user"))
    alice.groups.add(group)
    return alice


def reached(backend: type) -> dict[str, tuple[str, ...]]:
    return {call.name: call.reached_from for call in hooks_on_the_loop(backend)}


def test_the_hooks_on_the_loop_of_each_kind_of_backend() -> None:
    assert reached(StaffOnlyBackend) == {"user_can_authenticate": ("aauthenticate", "aget_user")}
    assert reached(DualModeStaffOnlyBackend) == reached(StaffOnlyBackend)
    assert reached(AdaptedStaffOnlyBackend) == reached(StaffOnlyBackend)
    assert reached(WrappingStaffOnlyBackend) == reached(StaffOnlyBackend)
    assert reached(EmailRemoteUserBackend) == {"clean_username": ("aauthenticate",)}
    # Handed to a thread by aconfigure_user(), or lazy: not a hazard.
    assert reached(StampingRemoteUserBackend) == {}
    assert reached(LazyGroupsBackend) == {}
    # Django's own overrides, and the reference backends' async sides, are not Django's loop.
    assert reached(django_backends.AllowAllUsersModelBackend) == {}
    assert reached(ReferenceStaffOnlyBackend) == {}
    assert reached(ReferenceEmailRemoteUserBackend) == {}


def test_a_sync_override_with_a_derived_async_side_runs_in_a_thread(staff_member: User) -> None:
    class DerivedStaffOnlyBackend(DualModeMixin, StaffOnlyBackend):
        def authenticate(self, request: Any, **credentials: Any) -> Any:  # type: ignore[override]
            return super().authenticate(request, **credentials)

    assert "aauthenticate" not in reached(DerivedStaffOnlyBackend)["user_can_authenticate"]
    credentials = {"username": "alice", "password": "alice-password"}
    user = async_to_sync(DerivedStaffOnlyBackend().aauthenticate)(None, **credentials)
    assert user == staff_member


# The hazard, unwrapped: each hook the check names fails under async, from each caller it names.


def entry_call(backend: object, entry: str, user: User) -> Callable[[], Awaitable[Any]]:
    arguments: dict[str, tuple[Any, ...]] = {
        "aauthenticate": (None,),
        "aget_user": (user.pk,),
        "ahas_perm": (user, "auth.view_user"),
        "ahas_module_perms": (user, "auth"),
    }
    method = getattr(backend, entry)
    credentials: dict[str, Any] = {}
    if entry == "aauthenticate":
        if isinstance(backend, django_backends.RemoteUserBackend):
            credentials = {"remote_user": user.email}
        else:
            credentials = {"username": user.username, "password": "alice-password"}

    async def call() -> Any:
        return await method(*arguments.get(entry, (user,)), **credentials)

    return call


HOOK_THAT_QUERIES = {
    "user_can_authenticate": StaffOnlyHook.user_can_authenticate,
    "clean_username": EmailRemoteUserBackend.clean_username,
}


@pytest.mark.parametrize(
    ("django_class", "entry", "hook"),
    [
        (django_class, entry, hook)
        for (django_class, entry), hooks in DJANGO_HOOKS_ON_THE_LOOP.items()
        for hook in hooks
    ],
)
def test_each_declared_hook_runs_on_the_loop_in_the_installed_django(
    django_class: str, entry: str, hook: str, staff_member: User
) -> None:
    base = getattr(django_backends, django_class)
    backend_class = type("QueryingHook", (base,), {hook: HOOK_THAT_QUERIES[hook]})
    assert hook in reached(backend_class)
    user = User.objects.get(pk=staff_member.pk)
    with pytest.raises(SynchronousOnlyOperation):
        async_to_sync(entry_call(backend_class(), entry, user))()


def test_a_wrapper_calling_super_reaches_the_hook_on_the_loop(staff_member: User) -> None:
    with pytest.raises(SynchronousOnlyOperation):
        async_to_sync(WrappingStaffOnlyBackend().aget_user)(staff_member.pk)


def test_the_same_calls_work_in_sync_mode(staff_member: User, group_member: User) -> None:
    assert StaffOnlyBackend().authenticate(None, "alice", "alice-password") == staff_member
    assert StaffOnlyBackend().get_user(staff_member.pk) == staff_member
    assert EmailRemoteUserBackend().authenticate(None, "alice@example.com") == staff_member


def test_a_lazy_permission_hook_works_under_async(group_member: User) -> None:
    assert async_to_sync(LazyGroupsBackend().ahas_perm)(group_member, "auth.view_user") is True


def test_a_configure_user_that_queries_works_under_async(alice: User) -> None:
    user = async_to_sync(StampingRemoteUserBackend().aauthenticate)(None, "alice")
    assert user == alice
    assert User.objects.get(pk=alice.pk).first_name == "stamped"


# The check, and the cure it names.


def warnings_for(path: str) -> list[Any]:
    with override_settings(AUTHENTICATION_BACKENDS=[path]):
        return [m for m in check_authentication_backends() if m.id == "auth_backend_sdk.W009"]


@pytest.mark.parametrize(
    "name",
    [
        "StaffOnlyBackend",
        "DualModeStaffOnlyBackend",
        "AdaptedStaffOnlyBackend",
        "WrappingStaffOnlyBackend",
    ],
)
def test_an_overridden_user_can_authenticate_is_a_warning(name: str) -> None:
    [warning] = warnings_for(f"{HERE}.{name}")
    assert isinstance(warning, Warning)
    assert warning.obj == f"{HERE}.{name}"
    assert warning.msg == (
        "user_can_authenticate() is overridden in StaffOnlyHook, but the aauthenticate() and "
        "aget_user() it inherits from Django call it on the event loop: if the override "
        "touches the database, they raise SynchronousOnlyOperation."
    )
    assert warning.hint == (
        "Subclass reference_backends.ModelBackend instead of Django's ModelBackend: it runs "
        "overridden hooks in the ORM's thread. dual_mode() and DualModeMixin do not help "
        "here: Django's own aauthenticate() and aget_user() stay in use. If "
        'user_can_authenticate() never touches the database, add "auth_backend_sdk.W009" '
        "to SILENCED_SYSTEM_CHECKS."
    )


def test_an_overridden_clean_username_is_a_warning_naming_the_remote_user_cure() -> None:
    [warning] = warnings_for(f"{HERE}.EmailRemoteUserBackend")
    assert warning.msg.startswith(
        "clean_username() is overridden in EmailRemoteUserBackend, but the aauthenticate() "
        "it inherits from Django calls it on the event loop:"
    )
    assert warning.hint.startswith("Subclass reference_backends.RemoteUserBackend instead")


@pytest.mark.parametrize(
    "name",
    [
        "StampingRemoteUserBackend",
        "LazyGroupsBackend",
        "ReferenceStaffOnlyBackend",
        "ReferenceEmailRemoteUserBackend",
    ],
)
def test_hooks_that_run_in_a_thread_pass_silently(name: str) -> None:
    assert warnings_for(f"{HERE}.{name}") == []


def test_on_the_reference_backend_the_hooks_hold_in_both_modes(
    backend_mode: Mode, staff_member: User, bob: User
) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=[f"{HERE}.ReferenceStaffOnlyBackend"]):
        assert backend_mode.call(
            auth, "authenticate", None, username="alice", password="alice-password"
        )
        assert (
            backend_mode.call(auth, "authenticate", None, username="bob", password="bob-password")
            is None
        )
    backend = ReferenceEmailRemoteUserBackend()
    assert backend_mode.call(backend, "authenticate", None, "alice@example.com") == staff_member


def test_on_djangos_backend_only_the_sync_mode_holds(staff_member: User) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=[f"{HERE}.StaffOnlyBackend"]):
        credentials = {"username": "alice", "password": "alice-password"}
        assert SYNC.call(auth, "authenticate", None, **credentials) == staff_member
        with pytest.raises(SynchronousOnlyOperation):
            ASYNC.call(auth, "authenticate", None, **credentials)
