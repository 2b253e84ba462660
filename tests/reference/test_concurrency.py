"""Many requests at once, and requests abandoned half-way: no duplicates, no half writes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import override_settings

from reference_backends import ModelBackend, RemoteUserBackend


async def as_a_request(call: Any) -> Any:
    """Run ``call()`` as Django's ASGI handler runs a request: its own sync thread.

    Each request gets its own thread for thread-sensitive work (hence its own
    database connection), closed at the end as ``request_finished`` would.
    """
    async with ThreadSensitiveContext():
        try:
            return await call()
        finally:
            await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
async def test_fifty_concurrent_logins_of_a_new_remote_user_create_one_user() -> None:
    backend = RemoteUserBackend()
    results = await asyncio.gather(
        *(as_a_request(lambda: backend.aauthenticate(None, "newcomer")) for _ in range(50)),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert len({user.pk for user in results if not isinstance(user, BaseException)}) == 1
    assert await User.objects.filter(username="newcomer").acount() == 1


UPGRADING = [
    "tests.hashers.SlowPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


async def open_connections() -> int:
    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    counted: int = await as_a_request(sync_to_async(count))
    return counted


@pytest.mark.django_db(transaction=True)
@override_settings(PASSWORD_HASHERS=UPGRADING)
async def test_cancelling_a_login_mid_upgrade_leaves_no_half_write(
    thread_connections_closed: None,
) -> None:
    old_hash = make_password("olga-password", hasher="md5")
    user = await User.objects.acreate(username="olga", password=old_hash)
    backend = ModelBackend()
    postgres = connection.vendor == "postgresql"
    before = await open_connections() if postgres else 0

    for delay in (0.0, 0.01, 0.05, 0.2):
        login = asyncio.ensure_future(
            as_a_request(
                lambda: backend.aauthenticate(None, username="olga", password="olga-password")
            )
        )
        await asyncio.sleep(delay)
        login.cancel()
        with pytest.raises(asyncio.CancelledError):
            await login
        # Let the threads it left behind finish, then look at what they wrote.
        await asyncio.sleep(0.5)
        stored = (await User.objects.aget(pk=user.pk)).password
        assert stored == old_hash or stored.startswith("slow_pbkdf2_sha256$"), stored
        assert await sync_to_async(check_password)("olga-password", stored)

    if postgres:
        assert await open_connections() <= before
