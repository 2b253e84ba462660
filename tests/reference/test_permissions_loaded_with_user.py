"""``ModelBackend.load_permissions_with_user``: loaded early, answered as Django answers.

In async mode ``aget_user()`` loads the user's permissions with the user. The
first check must still answer what Django's backend, loading at that check,
answers: after a grant or a revocation made in between, after a group's
permissions changed; and another backend of the list, reading Django's
per-user caches, must not find these permissions there as its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.db.models import Exists, QuerySet
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from reference_backends import ModelBackend

pytestmark = pytest.mark.django_db

PERM = "auth.view_user"


def _view_user() -> Permission:
    return Permission.objects.get(codename="view_user")


def _check_after(backend: Any, change: Callable[[User], None], user: User) -> bool:
    """Load ``user`` through ``backend.aget_user()``, make ``change``, then check ``PERM``."""

    async def life() -> bool:
        loaded = await backend.aget_user(user.pk)
        await sync_to_async(change)(user)
        allowed: bool = await loaded.ahas_perm(PERM)
        return allowed

    return async_to_sync(life)()


def _revoke(user: User) -> None:
    user.user_permissions.remove(_view_user())


def _grant(user: User) -> None:
    user.user_permissions.add(_view_user())


def _empty_the_group(user: User) -> None:
    Group.objects.get(name="viewers").permissions.clear()


def _nothing(user: User) -> None:
    pass


@pytest.mark.parametrize(
    ("given", "change"),
    [
        ("directly", _revoke),
        ("none", _grant),
        ("through a group", _empty_the_group),
        ("directly", _nothing),
    ],
    ids=["revoked", "granted", "group emptied", "unchanged"],
)
def test_the_first_check_answers_what_djangos_backend_answers(
    given: str, change: Callable[[User], None]
) -> None:
    answers = []
    for backend in (django_backends.ModelBackend(), ModelBackend()):
        User.objects.all().delete()
        Group.objects.all().delete()
        user = User.objects.create_user("alice")
        if given == "directly":
            user.user_permissions.add(_view_user())
        elif given == "through a group":
            group = Group.objects.create(name="viewers")
            group.permissions.add(_view_user())
            user.groups.add(group)
        with override_settings(AUTHENTICATION_BACKENDS=[_path(backend)]):
            answers.append(_check_after(backend, change, user))
    djangos, reference = answers
    assert reference == djangos


def test_unchanged_permissions_cost_no_query_at_the_check() -> None:
    user = User.objects.create_user("alice")
    user.user_permissions.add(_view_user())
    backend = ModelBackend()

    with override_settings(AUTHENTICATION_BACKENDS=["reference_backends.ModelBackend"]):
        loaded: Any = async_to_sync(backend.aget_user)(user.pk)
        # The ORM's async calls run in this thread (async_to_sync): their queries are seen.
        with CaptureQueriesContext(connection) as queries:
            allowed = async_to_sync(loaded.ahas_perm)(PERM)
    assert (allowed, len(queries)) == (True, 0)


class GroupsGrantViewingBackend(django_backends.ModelBackend):
    """Django's backend, granting viewing users to every member of any group (its own rule)."""

    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        # Lazy: Django's async path evaluates it with the async ORM.
        member = Exists(Group.objects.filter(user=user_obj))
        return Permission.objects.filter(member, codename="view_user")


def test_another_backend_does_not_read_them_as_its_own() -> None:
    user = User.objects.create_user("alice")
    user.groups.add(Group.objects.create(name="anyone"))
    listed = [
        f"{__name__}.GroupsGrantViewingBackend",
        "reference_backends.ModelBackend",
    ]
    with override_settings(AUTHENTICATION_BACKENDS=listed):
        # The reference backend loaded the user (and its empty permissions); Django's
        # subclass, asked first, must still grant by its own rule.
        assert _check_after(ModelBackend(), _nothing, user) is True


def _path(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"
