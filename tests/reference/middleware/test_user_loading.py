"""How ``await request.auser()`` loads the user with the reference middleware and stores.

With a reference store whose session is not loaded yet and a dual-mode
backend, the session, the user and the user's permissions load in one thread
hop; with any other backend the middleware answers what Django's does (the
session loaded, then ``auth.aget_user()``), whatever side the backend
overrides; a request with no session cookie costs no hop at all.
"""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Permission, User
from django.test import AsyncClient, override_settings

from auth_backend_sdk.engine.hops import count_hops

from .backends import BLOCKED

pytestmark = pytest.mark.django_db

URLS = "tests.reference.stack_urls"
REFERENCE_MIDDLEWARE = [
    "reference_backends.middleware.SessionMiddleware",
    "reference_backends.middleware.AuthenticationMiddleware",
]
DJANGO_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


def _answer(middleware: list[str], backend: str, username: str) -> bytes:
    """What the ``authenticated`` view answers ``username``, logged in through ``backend``."""
    user = User.objects.create_user(username, password="password")
    user.user_permissions.add(Permission.objects.get(codename="view_user"))
    with override_settings(
        MIDDLEWARE=middleware,
        SESSION_ENGINE="reference_backends.sessions.db",
        AUTHENTICATION_BACKENDS=[backend],
        ROOT_URLCONF=URLS,
    ):
        client = AsyncClient()
        client.force_login(user, backend=backend)
        content: bytes = async_to_sync(client.get)("/authenticated/").content
    return content


@pytest.mark.parametrize(
    "backend",
    [
        "tests.reference.middleware.backends.RefusingInAsyncOnly",
        "tests.reference.middleware.backends.RefusingInSyncOnly",
        "reference_backends.ModelBackend",
    ],
)
@pytest.mark.parametrize("username", [BLOCKED, "alice"])
def test_auser_answers_what_djangos_middleware_answers(backend: str, username: str) -> None:
    djangos = _answer(DJANGO_MIDDLEWARE, backend, username)
    User.objects.all().delete()
    assert _answer(REFERENCE_MIDDLEWARE, backend, username) == djangos


def test_a_backend_refusing_in_async_refuses_with_the_reference_middleware() -> None:
    """The hazard a one-step sync get_user() would bring: it must not let the user in."""
    backend = "tests.reference.middleware.backends.RefusingInAsyncOnly"
    assert _answer(REFERENCE_MIDDLEWARE, backend, BLOCKED) == b" False"


def _hops_of_auser(cookie: bool) -> int:
    with override_settings(
        MIDDLEWARE=REFERENCE_MIDDLEWARE,
        SESSION_ENGINE="reference_backends.sessions.db",
        AUTHENTICATION_BACKENDS=["reference_backends.ModelBackend"],
        ROOT_URLCONF=URLS,
    ):
        client = AsyncClient()
        if cookie:
            client.force_login(User.objects.create_user("alice", password="password"))

        async def counted() -> int:
            await client.get("/trivial/")  # the handler's own hops, left out
            with count_hops() as baseline:
                await client.get("/trivial/")
            with count_hops() as hops:
                await client.get("/authenticated/")
            return hops.count - baseline.count

        return async_to_sync(counted)()


def test_no_session_cookie_no_hop() -> None:
    # Anonymous: auser() finds no session to load; ahas_perm() asks no backend.
    assert _hops_of_auser(cookie=False) == 0


def test_a_logged_in_request_loads_session_user_and_permissions_in_one_hop() -> None:
    assert _hops_of_auser(cookie=True) == 1
