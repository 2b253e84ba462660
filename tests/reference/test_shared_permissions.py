"""``REFERENCE_BACKENDS_PERMISSION_CACHE``: permissions shared across requests and workers.

On a real Redis server (``tests/redis_server.py``) through Django's
``RedisCache``, and on a ``LocMemCache`` where the cache's kind does not
matter. Every check is made on a fresh user object, as each request has one,
and every change is committed (``transactional_db``): invalidation happens
once the transaction commits, as in production.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from auth_backend_sdk.engine.flow import InOrmThread, run_sync
from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.testing import Mode
from reference_backends import ModelBackend
from reference_backends._shared_permissions import _keys, shared_permissions
from reference_backends.checks import check_permission_cache
from tests.redis_server import redis_caches, redis_client

pytestmark = pytest.mark.django_db(transaction=True)

PERM = "auth.view_user"
BACKEND = "reference_backends.ModelBackend"


@pytest.fixture
def shared_on_redis() -> Iterator[None]:
    with (
        redis_caches("default", "permissions"),
        override_settings(
            REFERENCE_BACKENDS_PERMISSION_CACHE="permissions", AUTHENTICATION_BACKENDS=[BACKEND]
        ),
    ):
        yield


def view_user() -> Permission:
    return Permission.objects.get(codename="view_user")


@pytest.fixture
def viewers() -> Group:
    group = Group.objects.create(name="viewers")
    group.permissions.add(view_user())
    return group


@pytest.fixture
def carol(viewers: Group) -> User:
    """A user holding ``PERM`` through a group and directly, so either revocation alone
    leaves it granted: each test revokes what it needs."""
    user = User.objects.create_user("carol", password="carol-password")
    user.groups.add(viewers)
    return user


def fresh(user: User) -> User:
    """The user as a new request loads them: no permission cached on the object."""
    return User.objects.get(pk=user.pk)


def check(mode: Mode, user: User, perm: str = PERM) -> bool:
    allowed: bool = mode.call(fresh(user), "has_perm", perm)
    return allowed


def queries_of(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.mark.usefixtures("shared_on_redis")
def test_a_warm_check_on_a_fresh_user_makes_no_query(carol: User, backend_mode: Mode) -> None:
    assert check(backend_mode, carol) is True  # cold: the database, then the cache
    user = fresh(carol)
    assert queries_of(lambda: backend_mode.call(user, "has_perm", PERM)) == 0


@pytest.mark.usefixtures("shared_on_redis")
def test_a_warm_async_check_on_redis_makes_no_thread_hop(carol: User) -> None:
    assert check(Mode.SYNC, carol) is True  # warms the cache
    user = fresh(carol)

    async def checked() -> tuple[bool, int]:
        with count_hops() as hops:
            allowed = await user.ahas_perm(PERM)
        return allowed, hops.count

    assert asyncio.run(checked()) == (True, 0)


REVOCATIONS: dict[str, Callable[[User, Group], object]] = {
    "user.groups.remove": lambda user, group: user.groups.remove(group),
    "user.groups.clear": lambda user, group: user.groups.clear(),
    "group.user_set.remove": lambda user, group: group.user_set.remove(user),
    "group.user_set.clear": lambda user, group: group.user_set.clear(),
    "group.permissions.remove": lambda user, group: group.permissions.remove(view_user()),
    "group.permissions.clear": lambda user, group: group.permissions.clear(),
    "permission.group_set.clear": lambda user, group: view_user().group_set.clear(),
    "group deleted": lambda user, group: group.delete(),
    "permission deleted": lambda user, group: view_user().delete(),
}


@pytest.mark.usefixtures("shared_on_redis")
@pytest.mark.parametrize("revoke", REVOCATIONS.values(), ids=REVOCATIONS.keys())
def test_a_revocation_is_never_followed_by_a_grant(
    revoke: Callable[[User, Group], object], carol: User, viewers: Group, backend_mode: Mode
) -> None:
    assert check(backend_mode, carol) is True
    assert check(backend_mode, carol) is True  # from the cache

    with transaction.atomic():
        revoke(carol, viewers)
    assert check(backend_mode, carol) is False
    assert check(backend_mode, carol) is False  # and the entry written again says so


@pytest.mark.usefixtures("shared_on_redis")
def test_a_direct_permission_revoked_and_granted_is_followed(
    carol: User, backend_mode: Mode
) -> None:
    carol.groups.clear()
    assert check(backend_mode, carol) is False
    carol.user_permissions.add(view_user())
    assert check(backend_mode, carol) is True
    carol.user_permissions.remove(view_user())
    assert check(backend_mode, carol) is False
    view_user().user_set.add(carol)
    assert check(backend_mode, carol) is True


@pytest.mark.usefixtures("shared_on_redis")
def test_superuser_status_is_read_from_the_user_object(carol: User, backend_mode: Mode) -> None:
    def all_permissions() -> set[str]:
        granted: set[str] = backend_mode.call(ModelBackend(), "get_all_permissions", fresh(carol))
        return granted

    assert "auth.add_user" not in all_permissions()
    # No signal: the flag on the user object decides whether an entry still holds.
    User.objects.filter(pk=carol.pk).update(is_superuser=True)
    assert "auth.add_user" in all_permissions()  # a superuser's: every permission
    User.objects.filter(pk=carol.pk).update(is_superuser=False)
    assert "auth.add_user" not in all_permissions()
    User.objects.filter(pk=carol.pk).update(is_active=False)
    assert all_permissions() == set()


@pytest.mark.usefixtures("shared_on_redis")
def test_a_change_made_before_the_commit_with_a_check_in_between_is_not_cached(
    carol: User, viewers: Group
) -> None:
    # A worker queries the database, then a revocation commits, then the worker writes
    # what it read: the entry carries the tokens read before its query, now replaced.
    shared = shared_permissions()
    assert shared is not None
    backend = ModelBackend()
    user = fresh(carol)

    def query_then_revoke(user_obj: User, sources: tuple[str, ...]) -> dict[str, set[str]]:
        stale = backend._load_permissions(user_obj, sources)
        viewers.permissions.remove(view_user())  # committed (autocommit): tokens replaced
        return stale

    load = InOrmThread(query_then_revoke, (user, ("user", "group")))
    loaded = run_sync(shared.permissions(user, load))
    assert PERM in loaded["group"]  # what the racing worker answered, once
    assert check(Mode.SYNC, carol) is False
    assert check(Mode.ASYNC, carol) is False


@pytest.mark.usefixtures("shared_on_redis")
def test_a_change_rolled_back_replaces_no_token(carol: User, viewers: Group) -> None:
    assert check(Mode.SYNC, carol) is True

    def revoke_then_fail() -> None:
        with transaction.atomic():
            viewers.permissions.remove(view_user())
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        revoke_then_fail()
    assert queries_of(lambda: check(Mode.SYNC, carol)) == 1  # the user's row only
    assert check(Mode.SYNC, carol) is True


@pytest.mark.usefixtures("shared_on_redis")
def test_a_change_bypassing_signals_lasts_until_the_command(
    carol: User, viewers: Group, backend_mode: Mode
) -> None:
    assert check(backend_mode, carol) is True
    Group.permissions.through.objects.filter(group=viewers).delete()  # no m2m_changed
    assert check(backend_mode, carol) is True  # stale, as documented

    call_command("clear_permission_cache", stdout=None)
    assert check(backend_mode, carol) is False


MALFORMED = {
    "not a pickle": b"\x80\x05not a pickle",
    "group permissions not a frozenset": ("group", ["auth.view_user"]),
    "a permission not a string": ("user", frozenset({("auth", "view_user")})),
    "superuser flag not a bool": ("is_superuser", 0),
    "another format": ("format", 0),
    "too short": ("cut", None),
}


@pytest.mark.usefixtures("shared_on_redis")
@pytest.mark.parametrize("malformed", MALFORMED.values(), ids=MALFORMED.keys())
def test_an_entry_not_exactly_as_written_is_never_used(
    malformed: Any, carol: User, backend_mode: Mode
) -> None:
    carol.groups.clear()
    assert check(backend_mode, carol) is False
    # The entry, under the current tokens, claiming the permission in some wrong shape.
    cache = caches["permissions"]
    keys = _keys(carol.pk)
    tokens = cache.get_many([keys.generation, keys.version])
    assert len(tokens) == 2
    fields: dict[str, Any] = {
        "format": 1,
        "generation": tokens[keys.generation],
        "version": tokens[keys.version],
        "is_superuser": False,
        "user": frozenset({PERM}),
        "group": frozenset({PERM}),
    }
    if isinstance(malformed, bytes):
        with redis_client() as client:
            client.set(cache.make_key(keys.entry), malformed)
    else:
        field, value = malformed
        values = [value if name == field else v for name, v in fields.items()]
        cache.set(keys.entry, tuple(values[:5] if field == "cut" else values))
    assert check(backend_mode, carol) is False

    cache.set(keys.entry, tuple(fields.values()))  # the control: well formed, it is used
    assert check(backend_mode, carol) is True


def test_a_cache_that_does_not_answer_leaves_checks_to_the_database(
    carol: User, backend_mode: Mode, unused_tcp_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    down = f"redis://127.0.0.1:{unused_tcp_port}/0"
    with (
        redis_caches("default", "permissions", location=down),
        override_settings(
            REFERENCE_BACKENDS_PERMISSION_CACHE="permissions", AUTHENTICATION_BACKENDS=[BACKEND]
        ),
        caplog.at_level(logging.INFO, logger="reference_backends.permissions"),
    ):
        assert check(backend_mode, carol) is True
        carol.groups.clear()  # invalidation fails too: logged, the database still decides
        assert check(backend_mode, carol) is False
        assert check(backend_mode, carol) is False
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "checked in the database" in warnings[0].getMessage()
    assert str(unused_tcp_port) not in caplog.text  # no server address, no credentials


class OwnGroupPermissions(ModelBackend):
    """Group permissions from somewhere the cache's invalidation does not follow."""

    def _get_group_permissions(self, user_obj: Any) -> Any:
        return Permission.objects.filter(codename="add_user")


class VouchedGroupPermissions(OwnGroupPermissions):
    shares_permission_cache = True


@pytest.mark.usefixtures("shared_on_redis")
@pytest.mark.parametrize(
    ("backend", "queries_when_warm"),
    [(OwnGroupPermissions, 1), (VouchedGroupPermissions, 0)],
    ids=["override", "override-opting-in"],
)
def test_a_subclass_overriding_the_permission_hooks_bypasses_the_cache_unless_it_opts_in(
    backend: type[ModelBackend], queries_when_warm: int, carol: User
) -> None:
    path = f"{__name__}.{backend.__qualname__}"
    with override_settings(AUTHENTICATION_BACKENDS=[path]):
        assert check(Mode.SYNC, carol, "auth.add_user") is True
        user = fresh(carol)
        assert queries_of(lambda: user.has_perm("auth.add_user")) == queries_when_warm


def test_the_command_says_when_no_cache_is_configured() -> None:
    with pytest.raises(Exception, match="names no cache"):
        call_command("clear_permission_cache")


def test_the_checks_name_a_missing_alias_and_a_cache_each_process_keeps() -> None:
    with override_settings(REFERENCE_BACKENDS_PERMISSION_CACHE="nowhere"):
        assert [message.id for message in check_permission_cache()] == ["reference_backends.E001"]
    with override_settings(REFERENCE_BACKENDS_PERMISSION_CACHE="default"):  # a LocMemCache
        assert [message.id for message in check_permission_cache()] == ["reference_backends.W001"]
    with (
        redis_caches("permissions"),
        override_settings(REFERENCE_BACKENDS_PERMISSION_CACHE="permissions"),
    ):
        assert check_permission_cache() == []


def test_the_setting_without_the_app_installed_is_refused_with_the_reason(carol: User) -> None:
    installed = [app for app in settings.INSTALLED_APPS if app != "reference_backends"]
    with (
        redis_caches("permissions"),
        override_settings(
            REFERENCE_BACKENDS_PERMISSION_CACHE="permissions",
            AUTHENTICATION_BACKENDS=[BACKEND],
            INSTALLED_APPS=installed,
        ),
        pytest.raises(ImproperlyConfigured, match="needs 'reference_backends' in INSTALLED_APPS"),
    ):
        fresh(carol).has_perm(PERM)
