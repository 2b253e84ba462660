"""Real backends from PyPI, ``rules`` and ``django-guardian``, adapted with ``dual_mode()``.

Over every combination of users, objects and permissions, the sync and async
answers must agree, and some of them must grant (an all-False table would
agree trivially).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser, Group, User
from django.test import override_settings
from guardian.shortcuts import assign_perm

import tests.testapp.permissions  # noqa: F401  (registers the rules)
from tests import wrapped
from tests.testapp.models import Article

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PERMISSIONS = [
    "testapp.change_article",
    "testapp.delete_article",
    "testapp.view_article",
    "testapp.add_article",
    "testapp.no_such_permission",
]


@pytest.fixture
def world(db: None) -> tuple[list[Any], list[Article | None]]:
    alice = User.objects.create_user("alice", password="alice-password")
    bob = User.objects.create_user("bob", password="bob-password")
    erin = User.objects.create_user("erin", password="erin-password", is_active=False)
    root = User.objects.create_superuser("root", password="root-password")
    articles = [
        Article.objects.create(title="by alice", owner=alice),
        Article.objects.create(title="by bob", owner=bob),
        Article.objects.create(title="by erin", owner=erin),
    ]
    editors = Group.objects.create(name="editors")
    bob.groups.add(editors)
    assign_perm("testapp.view_article", bob, articles[0])
    assign_perm("testapp.change_article", editors, articles[0])
    assign_perm("testapp.delete_article", erin, articles[2])
    assign_perm("testapp.add_article", alice)
    return [alice, bob, erin, root, AnonymousUser()], [None, *articles]


def fresh(users: list[Any]) -> list[Any]:
    """The same users without per-object permission caches."""
    return [u if u.is_anonymous else User.objects.get(pk=u.pk) for u in users]


@pytest.mark.parametrize("backend_class", [wrapped.RulesBackend, wrapped.GuardianBackend])
def test_has_perm_and_ahas_perm_agree_everywhere(
    backend_class: type, world: tuple[list[Any], list[Article | None]]
) -> None:
    users, objects = world
    backend = backend_class()
    cases = list(itertools.product(range(len(users)), PERMISSIONS, objects))

    sync_users = fresh(users)
    sync = {(u, p, o): backend.has_perm(sync_users[u], p, o) for u, p, o in cases}

    async def async_answers() -> dict[tuple[int, str, Article | None], bool]:
        async_users = await sync_to_async(fresh)(users)
        return {(u, p, o): await backend.ahas_perm(async_users[u], p, o) for u, p, o in cases}

    assert async_to_sync(async_answers)() == sync
    assert sum(sync.values()) >= 3, "the table must grant something to prove anything"
    assert not all(sync.values())


def test_guardian_permission_sets_agree(world: tuple[list[Any], list[Article | None]]) -> None:
    users, objects = world
    backend = wrapped.GuardianBackend()
    for user, obj in itertools.product(users, objects):
        for name in ("get_group_permissions", "get_all_permissions"):
            sync = set(getattr(backend, name)(user, obj))
            assert set(async_to_sync(getattr(backend, f"a{name}"))(user, obj)) == sync


def test_rules_module_permissions_agree(world: tuple[list[Any], list[Article | None]]) -> None:
    users, _ = world
    backend = wrapped.RulesBackend()
    answers = [backend.has_module_perms(u, "testapp") for u in users]
    assert [async_to_sync(backend.ahas_module_perms)(u, "testapp") for u in users] == answers
    assert answers == [True, True, True, True, False]


CHAIN = [MODEL_BACKEND, "tests.wrapped.RulesBackend", "tests.wrapped.GuardianBackend"]


def test_user_level_checks_agree_through_the_whole_chain(
    world: tuple[list[Any], list[Article | None]],
) -> None:
    users, objects = world
    cases = list(itertools.product(range(len(users)), PERMISSIONS, objects))
    with override_settings(AUTHENTICATION_BACKENDS=CHAIN):
        sync_users = fresh(users)
        sync = {(u, p, o): sync_users[u].has_perm(p, o) for u, p, o in cases}

        async def async_answers() -> dict[tuple[int, str, Article | None], bool]:
            async_users = await sync_to_async(fresh)(users)
            return {(u, p, o): await async_users[u].ahas_perm(p, o) for u, p, o in cases}

        assert async_to_sync(async_answers)() == sync
    # alice owns article 1 (rules), bob edits it through his group (guardian).
    assert sync[(0, "testapp.change_article", objects[1])] is True
    assert sync[(1, "testapp.change_article", objects[1])] is True


@pytest.mark.parametrize("adapted", [False, True])
def test_async_login_through_a_chain_with_them(
    adapted: bool, world: tuple[list[Any], list[Article | None]]
) -> None:
    module = "tests.wrapped" if adapted else None
    chain = [MODEL_BACKEND] + (
        [f"{module}.RulesBackend", f"{module}.GuardianBackend"]
        if module
        else [
            "rules.permissions.ObjectPermissionBackend",
            "guardian.backends.ObjectPermissionBackend",
        ]
    )
    with override_settings(AUTHENTICATION_BACKENDS=chain):
        assert auth.authenticate(None, username="alice", password="wrong") is None
        login = async_to_sync(auth.aauthenticate)
        if not adapted:  # the hazard, as shipped
            with pytest.raises(AttributeError, match="aauthenticate"):
                login(None, username="alice", password="wrong")
            return
        assert login(None, username="alice", password="wrong") is None
        user = login(None, username="alice", password="alice-password")
        assert user is not None
        assert user.username == "alice"
