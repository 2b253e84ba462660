"""W009: a hook Django's own async side calls on the event loop, overridden with a query.

Django's ``ModelBackend.aauthenticate()`` and ``aget_user()`` call
``self.user_can_authenticate()`` on the loop, ``RemoteUserBackend.aauthenticate()``
calls ``self.clean_username()`` there too, and ``_aget_permissions()`` calls
``self._get_user_permissions()`` / ``self._get_group_permissions()``; only
``configure_user()`` goes to a thread (``aconfigure_user()`` bridges it). Read
from the source of Django 5.2.19 and 6.1.3: the same on both. The check reads
the installed release's source; these tests make sure what it reads is what
happens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib import auth
from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import Group, Permission, User
from django.core.checks import Warning
from django.core.exceptions import SynchronousOnlyOperation
from django.db.models import QuerySet
from django.http import HttpRequest
from django.test import override_settings

import reference_backends
from auth_backend_sdk import DualModeMixin, dual_mode
from auth_backend_sdk.checks import check_authentication_backends
from auth_backend_sdk.django_defaults import DJANGO_BACKENDS_MODULE
from auth_backend_sdk.loop_calls import sync_calls_on_loop
from auth_backend_sdk.pairs import AUTHENTICATION_PAIRS, PERMISSION_PAIRS

from .conftest import ASYNC, SYNC, Mode

HERE = __name__
ENTRY_POINTS = tuple(pair.async_name for pair in (*AUTHENTICATION_PAIRS, *PERMISSION_PAIRS))
PERMISSION_CALLS = (
    "aget_group_permissions",
    "aget_all_permissions",
    "ahas_perm",
    "ahas_module_perms",
)


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


class ActiveGroupsBackend(django_backends.ModelBackend):
    """Group permissions from the groups the user belongs to, evaluated right away."""

    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        return Permission.objects.filter(group__in=list(user_obj.groups.all()))


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
    return {
        call.name: call.reached_from
        for call in sync_calls_on_loop(backend, ENTRY_POINTS, DJANGO_BACKENDS_MODULE)
    }


def test_the_hooks_django_calls_on_the_loop_are_read_from_its_source() -> None:
    assert reached(StaffOnlyBackend) == {"user_can_authenticate": ("aauthenticate", "aget_user")}
    assert reached(DualModeStaffOnlyBackend) == reached(StaffOnlyBackend)
    assert reached(AdaptedStaffOnlyBackend) == reached(StaffOnlyBackend)
    assert reached(EmailRemoteUserBackend) == {"clean_username": ("aauthenticate",)}
    assert reached(ActiveGroupsBackend) == {"_get_group_permissions": PERMISSION_CALLS}
    # Handed to a thread by aconfigure_user(): not called on the loop.
    assert reached(StampingRemoteUserBackend) == {}
    # Django's own overrides, and the reference backends' async sides, are not Django's loop.
    assert reached(django_backends.AllowAllUsersModelBackend) == {}
    assert reached(ReferenceStaffOnlyBackend) == {}
    assert reached(ReferenceEmailRemoteUserBackend) == {}


class ReleaseCallingOnLoop:
    """A library release whose async side calls its hook on the loop."""

    def hook(self) -> bool:
        return True

    async def aauthenticate(self, request: HttpRequest | None) -> bool:
        return self.hook()


class ReleaseCallingInThread(ReleaseCallingOnLoop):
    """The next release: the hook goes to a thread, and a nested helper is never called."""

    async def aauthenticate(self, request: HttpRequest | None) -> bool:
        def unused() -> bool:
            return self.hook()

        return await sync_to_async(self.hook)()


class ReleaseWithComputedNames:
    """The hook's name is computed from a literal the caller passes, as in _aget_permissions."""

    def _check_user(self) -> bool:
        return True

    def _check_group(self) -> bool:
        return True

    async def aauthenticate(self, request: HttpRequest | None) -> bool:
        # Directly, through the helper twice (positionally, then by keyword; followed once),
        # and for a source this release has no hook for.
        return (
            self._check_user()
            and await self._acheck("user")
            and await self._acheck(source="user")
            and await self._acheck("admin")
        )

    async def _acheck(self, source: str) -> bool:
        return bool(getattr(self, f"_check_{source}")())


class ReleaseWithGuessedNames(ReleaseWithComputedNames):
    """A piece of the name that no variable gives: every method the pattern fits."""

    async def aauthenticate(self, request: Any) -> bool:
        return bool(getattr(self, f"_check_{request.source}")())


class ReleaseWithUnreadableNames(ReleaseWithComputedNames):
    """Names the reader cannot work out: left alone rather than guessed."""

    async def aauthenticate(self, request: Any) -> bool:
        number = 1
        first = getattr(self, "_check_%d" % number)()  # noqa: UP031 (as older code writes it)
        second = getattr(self, "_check_" + "user")()
        return bool(first and second and getattr(request, f"_check_{number}")())


def release_without_source() -> type:
    namespace: dict[str, Any] = {"__name__": HERE}
    source = (
        "class Compiled:\n"
        "    def hook(self):\n"
        "        return True\n"
        "    async def aauthenticate(self, request):\n"
        "        return self.hook()\n"
    )
    exec(compile(source, "<compiled>", "exec"), namespace)
    compiled: type = namespace["Compiled"]
    return compiled


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        (ReleaseCallingOnLoop, {"hook": ("aauthenticate",)}),
        (ReleaseCallingInThread, {}),
        (ReleaseWithComputedNames, {"_check_user": ("aauthenticate",)}),
        (
            ReleaseWithGuessedNames,
            {"_check_group": ("aauthenticate",), "_check_user": ("aauthenticate",)},
        ),
        (ReleaseWithUnreadableNames, {}),
        # Installed without its source: counts as calling nothing.
        (release_without_source(), {}),
    ],
)
def test_what_counts_is_the_source_of_the_release_installed(
    release: type, expected: dict[str, tuple[str, ...]]
) -> None:
    overrides = {name: lambda self: False for name in ("hook", "_check_user", "_check_group")}
    project_backend = type("ProjectBackend", (release,), {**overrides, "__module__": "project"})
    calls = sync_calls_on_loop(project_backend, ["aauthenticate"], library_module=HERE)
    assert {call.name: call.reached_from for call in calls} == expected
    assert all(call.defined_in is project_backend for call in calls)


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


@pytest.mark.parametrize(
    "backend_class",
    [
        StaffOnlyBackend,
        DualModeStaffOnlyBackend,
        AdaptedStaffOnlyBackend,
        EmailRemoteUserBackend,
        ActiveGroupsBackend,
    ],
)
def test_each_named_caller_raises_synchronous_only_operation(
    backend_class: type, staff_member: User, group_member: User
) -> None:
    calls = sync_calls_on_loop(backend_class, ENTRY_POINTS, DJANGO_BACKENDS_MODULE)
    assert calls
    for call in calls:
        for entry in call.reached_from:
            user = User.objects.get(pk=staff_member.pk)  # no permission caches
            with pytest.raises(SynchronousOnlyOperation):
                async_to_sync(entry_call(backend_class(), entry, user))()


def test_the_same_calls_work_in_sync_mode(staff_member: User, group_member: User) -> None:
    assert StaffOnlyBackend().authenticate(None, "alice", "alice-password") == staff_member
    assert StaffOnlyBackend().get_user(staff_member.pk) == staff_member
    assert EmailRemoteUserBackend().authenticate(None, "alice@example.com") == staff_member
    assert ActiveGroupsBackend().has_perm(staff_member, "auth.view_user") is True


def test_a_configure_user_that_queries_works_under_async(alice: User) -> None:
    user = async_to_sync(StampingRemoteUserBackend().aauthenticate)(None, "alice")
    assert user == alice
    assert User.objects.get(pk=alice.pk).first_name == "stamped"


# The check, and the cure it names.


def warnings_for(path: str) -> list[Any]:
    with override_settings(AUTHENTICATION_BACKENDS=[path]):
        return [m for m in check_authentication_backends() if m.id == "auth_backend_sdk.W009"]


@pytest.mark.parametrize(
    "name", ["StaffOnlyBackend", "DualModeStaffOnlyBackend", "AdaptedStaffOnlyBackend"]
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


def test_an_overridden_permission_query_hook_is_a_warning() -> None:
    [warning] = warnings_for(f"{HERE}.ActiveGroupsBackend")
    assert warning.msg.startswith(
        "_get_group_permissions() is overridden in ActiveGroupsBackend, but the "
        "aget_group_permissions(), aget_all_permissions(), ahas_perm() and ahas_module_perms() "
        "it inherits from Django call it on the event loop"
    )


@pytest.mark.parametrize(
    "name",
    ["StampingRemoteUserBackend", "ReferenceStaffOnlyBackend", "ReferenceEmailRemoteUserBackend"],
)
def test_hooks_that_run_in_a_thread_pass_silently(name: str) -> None:
    assert warnings_for(f"{HERE}.{name}") == []


def test_on_the_reference_backend_the_hooks_hold_in_both_modes(
    mode: Mode, staff_member: User, bob: User
) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=[f"{HERE}.ReferenceStaffOnlyBackend"]):
        assert mode.call(auth, "authenticate", None, username="alice", password="alice-password")
        assert (
            mode.call(auth, "authenticate", None, username="bob", password="bob-password") is None
        )
    backend = ReferenceEmailRemoteUserBackend()
    assert mode.call(backend, "authenticate", None, "alice@example.com") == staff_member


def test_on_djangos_backend_only_the_sync_mode_holds(staff_member: User) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=[f"{HERE}.StaffOnlyBackend"]):
        credentials = {"username": "alice", "password": "alice-password"}
        assert SYNC.call(auth, "authenticate", None, **credentials) == staff_member
        with pytest.raises(SynchronousOnlyOperation):
            ASYNC.call(auth, "authenticate", None, **credentials)
