"""Thread hops per request through the reference stack, against Django's, under ASGI.

Counted with ``count_hops`` around ``await AsyncClient().get(...)``, minus a
baseline measured the same way: no middleware, a view that does nothing (the
test client's handler hops for the ``request_started`` and
``request_finished`` signals). The views are ``tests/reference/stack_urls.py``'s.
The reference stack is the reference session and auth middleware, engine
and ``ModelBackend``; Django's is Django's own, measured in the same test.
"""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Permission, User
from django.test import AsyncClient, override_settings

from auth_backend_sdk.engine.hops import count_hops
from tests.redis_server import redis_caches

from .stacks import DJANGO, ENGINES, REFERENCE, Stack, django_engine, reference_engine

pytestmark = pytest.mark.django_db

URLS = "tests.reference.stack_urls"

SCENARIOS = {
    # name: (view, whether a session or a login comes first, what the view answers)
    "new session": ("/read-write/", None, b"1"),
    "read+write": ("/read-write/", "session", b"2"),
    "read-only": ("/read-only/", "session", b"1"),
    "authenticated": ("/authenticated/", "login", b"alice True"),
}

# At most, per engine: new session, read+write, read-only, authenticated
# (auser() and one ahas_perm()): one hop per phase that reaches the store; the session,
# the user and their permissions are loaded in one.
CEILINGS = {
    "db": {"new session": 1, "read+write": 2, "read-only": 1, "authenticated": 1},
    "cache": {"new session": 1, "read+write": 2, "read-only": 1, "authenticated": 1},
    "cached_db": {"new session": 1, "read+write": 2, "read-only": 1, "authenticated": 1},
    "signed_cookies": {"new session": 0, "read+write": 0, "read-only": 0, "authenticated": 1},
}
# The cache engine on Django's RedisCache: the session through redis-py's asyncio client,
# on the loop; the user and their permissions in one hop.
ON_REDIS = {"new session": 0, "read+write": 0, "read-only": 0, "authenticated": 1}


async def hops_of_get(client: AsyncClient, path: str) -> tuple[int, bytes]:
    with count_hops() as hops:
        response = await client.get(path)
    return hops.count, response.content


def baseline() -> int:
    with override_settings(MIDDLEWARE=[], ROOT_URLCONF=URLS):
        hops, content = async_to_sync(hops_of_get)(AsyncClient(), "/trivial/")
    assert content == b""
    return hops


def hops_per_request(stack: Stack, scenario: str, user: User) -> int:
    """Hops of one request of ``scenario`` through ``stack``, beyond the baseline."""
    path, first, answer = SCENARIOS[scenario]
    with stack.settings(ROOT_URLCONF=URLS):
        client = AsyncClient()
        if first == "session":
            async_to_sync(client.get)("/read-write/")
        elif first == "login":
            client.force_login(user)
        hops, content = async_to_sync(hops_of_get)(client, path)
    assert content == answer
    return hops - baseline()


@pytest.fixture
def viewer(alice: User) -> User:
    alice.user_permissions.add(Permission.objects.get(codename="view_user"))
    return alice


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("engine", ENGINES)
def test_hops_per_request_at_most_the_floor(engine: str, scenario: str, viewer: User) -> None:
    reference = hops_per_request(Stack.of(REFERENCE, reference_engine(engine)), scenario, viewer)
    django = hops_per_request(Stack.of(DJANGO, django_engine(engine)), scenario, viewer)
    measured = f"reference {reference}, django {django}"
    assert reference <= CEILINGS[engine][scenario], measured
    assert django > reference, measured  # Django's middleware hops with or without I/O


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_hops_per_request_with_cache_sessions_on_redis(scenario: str, viewer: User) -> None:
    with redis_caches():
        reference = hops_per_request(
            Stack.of(REFERENCE, reference_engine("cache")), scenario, viewer
        )
        django = hops_per_request(Stack.of(DJANGO, django_engine("cache")), scenario, viewer)
    measured = f"reference {reference}, django {django}"
    assert reference <= ON_REDIS[scenario], measured
    assert django > reference, measured
