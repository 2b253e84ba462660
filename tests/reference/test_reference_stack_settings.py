"""The settings the docs show for the reference stack serve logged-in requests in both modes."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Permission, User
from django.test import AsyncClient, Client, override_settings

from docs.examples import reference_stack

STACK = override_settings(
    SESSION_ENGINE=reference_stack.SESSION_ENGINE,
    MIDDLEWARE=reference_stack.MIDDLEWARE,
    AUTHENTICATION_BACKENDS=reference_stack.AUTHENTICATION_BACKENDS,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    ROOT_URLCONF="tests.reference.stack_urls",
)


def _alice_who_may_view_users() -> None:
    alice = User.objects.create_user("alice", password="alice-password")
    alice.user_permissions.add(Permission.objects.get(codename="view_user"))


@STACK
@pytest.mark.django_db
def test_a_wsgi_request_through_the_documented_stack() -> None:
    _alice_who_may_view_users()
    client = Client()
    assert client.login(username="alice", password="alice-password")
    assert client.get("/read-write/").content == b"1"
    assert client.get("/read-only/").content == b"1"


@STACK
@pytest.mark.django_db(transaction=True)
async def test_an_asgi_request_through_the_documented_stack() -> None:
    await sync_to_async(_alice_who_may_view_users)()
    client = AsyncClient()
    assert await sync_to_async(client.login)(username="alice", password="alice-password")
    assert (await client.get("/authenticated/")).content == b"alice True"
    assert (await client.get("/read-write/")).content == b"1"
