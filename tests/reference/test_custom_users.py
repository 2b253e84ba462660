"""Custom user models: relations to the project's own models, the model's own password checks.

Django's own ``ModelBackend`` is the oracle: the reference backends never
grant what it does not, and honour whatever a user model overrides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings

from auth_backend_sdk.testing import ASYNC, Mode
from reference_backends import ModelBackend
from tests.testapp.models import (
    Article,
    AsyncCheckOverLockoutUser,
    AsyncLockoutUser,
    EachSideUser,
    Grant,
    Lockout,
    NamedHolding,
    NamedMembership,
    NamedMembershipUser,
    Team,
    TeamUser,
)

# Relations to other models than auth.Group and auth.Permission


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """What ``call()`` did: returned a value, or raised an exception of some type."""
    try:
        return "returned", call()
    except Exception as exc:
        return "raised", type(exc)


@pytest.fixture
def team_user(db: None) -> TeamUser:
    """A user whose team and grant share their ids with an auth group and a permission."""
    change, delete = (
        Permission.objects.get(codename=codename)
        for codename in ("change_article", "delete_article")
    )
    team = Team.objects.create(name="writers")
    editors = Group.objects.create(pk=team.pk, name="editors")
    editors.permissions.add(change)
    grant = Grant.objects.create(
        pk=delete.pk, codename="publish", content_type=ContentType.objects.get_for_model(Article)
    )
    user = TeamUser.objects.create(username="tess")
    user.groups.add(team)
    user.user_permissions.add(grant)
    return user


def fresh_team_user(user: TeamUser) -> TeamUser:
    return TeamUser.objects.get(pk=user.pk)


@override_settings(AUTH_USER_MODEL="testapp.TeamUser")
@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get_user_permissions", ()),
        ("get_group_permissions", ()),
        ("get_all_permissions", ()),
        ("has_perm", ("testapp.change_article",)),
        ("has_perm", ("testapp.delete_article",)),
        ("has_perm", ("testapp.publish",)),
        ("has_module_perms", ("testapp",)),
    ],
)
def test_relations_to_other_models_behave_as_in_django(
    backend_mode: Mode, method: str, args: tuple[Any, ...], team_user: TeamUser
) -> None:
    django_backend = django_backends.ModelBackend()
    expected = outcome(lambda: getattr(django_backend, method)(fresh_team_user(team_user), *args))
    got = outcome(
        lambda: backend_mode.call(ModelBackend(), method, fresh_team_user(team_user), *args)
    )
    assert got == expected
    # Whatever Django does here, it grants nothing through auth's tables.
    assert got[1] is not True
    assert "testapp.change_article" not in (got[1] if isinstance(got[1], set) else ())
    assert "testapp.delete_article" not in (got[1] if isinstance(got[1], set) else ())


@override_settings(AUTH_USER_MODEL="testapp.TeamUser")
def test_a_project_permission_model_shaped_like_djangos_is_read_as_django_reads_it(
    backend_mode: Mode, team_user: TeamUser
) -> None:
    assert backend_mode.call(
        ModelBackend(), "get_user_permissions", fresh_team_user(team_user)
    ) == {"testapp.publish"}


@pytest.fixture
def named_members(db: None) -> tuple[NamedMembershipUser, NamedMembershipUser]:
    """Two users; the first is named after the second's primary key and holds permissions."""
    holder = NamedMembershipUser.objects.create(username="holder")
    other = NamedMembershipUser.objects.create(username="other")
    holder.username = str(other.pk)
    holder.save()
    editors = Group.objects.create(name="editors")
    editors.permissions.add(Permission.objects.get(codename="change_article"))
    NamedMembership.objects.create(user=holder, group=editors)
    NamedHolding.objects.create(
        user=holder, permission=Permission.objects.get(codename="delete_article")
    )
    return holder, other


@override_settings(AUTH_USER_MODEL="testapp.NamedMembershipUser")
@pytest.mark.parametrize("method", ["get_user_permissions", "get_group_permissions", "has_perm"])
def test_through_tables_of_the_projects_own_are_read_as_django_reads_them(
    backend_mode: Mode, method: str, named_members: tuple[NamedMembershipUser, ...]
) -> None:
    args = ("testapp.change_article",) if method == "has_perm" else ()
    for user in named_members:
        fresh = NamedMembershipUser.objects.get(pk=user.pk)
        expected = getattr(django_backends.ModelBackend(), method)(fresh, *args)
        fresh = NamedMembershipUser.objects.get(pk=user.pk)
        assert backend_mode.call(ModelBackend(), method, fresh, *args) == expected
    holder, other = named_members
    everything = backend_mode.call(ModelBackend(), "get_all_permissions", holder)
    assert everything == {"testapp.change_article", "testapp.delete_article"}
    assert backend_mode.call(ModelBackend(), "get_all_permissions", other) == set()


# The user model's own check_password() / acheck_password()

CREDENTIALS = {"username": "lena", "password": "lena-password"}


@override_settings(AUTH_USER_MODEL="testapp.AsyncLockoutUser")
def test_an_async_only_password_check_of_the_user_model_is_honoured_in_both_modes(
    backend_mode: Mode, db: None
) -> None:
    user = AsyncLockoutUser.objects.create_user(**CREDENTIALS)
    Lockout.objects.create(username="lena")
    # The premise: Django's async path honours the model's acheck_password().
    assert async_to_sync(django_backends.ModelBackend().aauthenticate)(None, **CREDENTIALS) is None

    assert backend_mode.call(ModelBackend(), "authenticate", None, **CREDENTIALS) is None
    Lockout.objects.all().delete()
    assert backend_mode.call(ModelBackend(), "authenticate", None, **CREDENTIALS) == user
    wrong = {**CREDENTIALS, "password": "wrong"}
    assert backend_mode.call(ModelBackend(), "authenticate", None, **wrong) is None


@override_settings(AUTH_USER_MODEL="testapp.EachSideUser")
def test_a_user_model_defining_both_password_checks_gets_each_in_its_own_mode(
    backend_mode: Mode, db: None
) -> None:
    EachSideUser.objects.create_user(**CREDENTIALS)
    user = backend_mode.call(ModelBackend(), "authenticate", None, **CREDENTIALS)
    assert isinstance(user, EachSideUser)
    assert user.checked_by == backend_mode.value
    wrong = {**CREDENTIALS, "password": "wrong"}
    assert backend_mode.call(ModelBackend(), "authenticate", None, **wrong) is None


@override_settings(AUTH_USER_MODEL="testapp.AsyncCheckOverLockoutUser")
def test_password_checks_overridden_on_different_classes_each_run_in_their_mode_as_in_django(
    backend_mode: Mode, db: None
) -> None:
    """A sync lockout in a base, an async check over it: neither stands for the other."""
    AsyncCheckOverLockoutUser.objects.create_user(**CREDENTIALS)
    Lockout.objects.create(username="lena")
    django_backend = django_backends.ModelBackend()
    expected = (
        async_to_sync(django_backend.aauthenticate)(None, **CREDENTIALS)
        if backend_mode is ASYNC
        else django_backend.authenticate(None, **CREDENTIALS)
    )
    user = backend_mode.call(ModelBackend(), "authenticate", None, **CREDENTIALS)
    assert user == expected
    if backend_mode is ASYNC:
        assert user.checked_by == "async"
    else:
        assert user is None  # the base's lockout
