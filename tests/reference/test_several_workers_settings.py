"""The settings of ``docs/howto/several_workers_on_redis.md``, on the test run's Redis server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Permission, User
from django.core import checks
from django.test import AsyncClient, Client, override_settings

from auth_backend_sdk.engine.hops import count_hops
from docs.examples import several_workers
from tests.redis_server import redis_caches, redis_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def documented_settings() -> Iterator[None]:
    caches = {
        alias: {**entry, "LOCATION": redis_url()} for alias, entry in several_workers.CACHES.items()
    }
    with (
        redis_caches(),  # empties the server's database
        override_settings(
            CACHES=caches,
            SESSION_ENGINE=several_workers.SESSION_ENGINE,
            REFERENCE_BACKENDS_PERMISSION_CACHE=several_workers.REFERENCE_BACKENDS_PERMISSION_CACHE,
            REFERENCE_BACKENDS_PERMISSION_CACHE_TIMEOUT=(
                several_workers.REFERENCE_BACKENDS_PERMISSION_CACHE_TIMEOUT
            ),
            INSTALLED_APPS=several_workers.INSTALLED_APPS,
            AUTHENTICATION_BACKENDS=several_workers.AUTHENTICATION_BACKENDS,
            MIDDLEWARE=several_workers.MIDDLEWARE,
            ROOT_URLCONF="tests.reference.stack_urls",
        ),
    ):
        yield


@pytest.fixture
def alice_who_may_view_users() -> User:
    alice = User.objects.create_user("alice", password="alice-password")
    alice.user_permissions.add(Permission.objects.get(codename="view_user"))
    return alice


@pytest.mark.usefixtures("documented_settings", "alice_who_may_view_users")
def test_the_documented_settings_pass_the_checks_and_serve_both_modes() -> None:
    assert [message for message in checks.run_checks() if message.is_serious()] == []
    assert [
        m.id for m in checks.run_checks() if (m.id or "").startswith("reference_backends")
    ] == []

    client = Client()
    assert client.login(username="alice", password="alice-password")
    assert client.get("/authenticated/").content == b"alice True"  # fills the permission cache

    async_client = AsyncClient()
    async_client.cookies = client.cookies

    async def authenticated() -> tuple[bytes, int]:
        with count_hops() as hops:
            response = await async_client.get("/authenticated/")
        return response.content, hops.count

    content, hops = async_to_sync(authenticated)()
    # The handler's own two (request_started, request_finished) and the user's row: the
    # session and the permissions come from Redis on the loop.
    assert (content, hops) == (b"alice True", 3)
