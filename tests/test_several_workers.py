"""Several workers of the example site sharing a database and a real Redis server.

Two uvicorn processes (two workers a load balancer would spread requests
over, each on a port of its own so that a test chooses which one answers)
run the reference stack with ``cache`` sessions and the permission cache on
Django's ``RedisCache`` (``SITE_REDIS_URL``). A session made through one
worker is used through the other; a permission revoked by another process of
the site (a shell, as an administrator's) is refused by both workers at their
next check, though both had it cached; a worker killed while it writes
sessions loses none that it acknowledged.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest

from examples.site import launch
from tests.redis_server import redis_client, redis_url
from tests.test_example_site import PASSWORD, csrf_token, log_in

REVOKE_ALICES_GROUP_PERMISSION = (
    "from django.contrib.auth.models import Group, Permission; "
    "Group.objects.get(user__username='alice').permissions.remove("
    "Permission.objects.get(codename='view_note'))"
)


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    kind = "postgresql" if os.environ.get("ABS_TEST_DATABASE") == "postgresql" else "sqlite"
    directory = tmp_path_factory.mktemp("several-workers")
    with launch.temporary_database(kind, directory) as database:
        env = launch.environment(
            database, session_engine="cache", mode="test", redis_url=redis_url()
        )
        launch.prepare(env, PASSWORD)
        yield env


@pytest.fixture
def workers(
    environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[launch.RunningSite]]:
    with redis_client() as client:
        client.flushdb()
    directory = tmp_path_factory.mktemp("workers")
    with ExitStack() as stack:
        yield [stack.enter_context(launch.serving(environment, directory)) for _ in range(2)]


def client_of(worker: launch.RunningSite, cookies: httpx.Cookies | None = None) -> httpx.Client:
    return httpx.Client(base_url=worker.url, timeout=30, cookies=cookies)


def me(worker: launch.RunningSite, cookies: httpx.Cookies) -> dict[str, object]:
    with client_of(worker, cookies) as client:
        response = client.get("/api/me/")
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def test_a_session_made_through_one_worker_is_used_through_the_other(
    workers: list[launch.RunningSite],
) -> None:
    first, second = workers
    with client_of(first) as client:
        assert log_in(client, "alice").status_code == 302
        cookies = client.cookies

    assert me(second, cookies)["username"] == "alice"

    with client_of(second, cookies) as client:  # logging out through the other ends it everywhere
        home = client.get("/")
        assert client.post("/logout/", data={"csrfmiddlewaretoken": csrf_token(home)}).is_redirect
    with client_of(first, cookies) as client:
        assert client.get("/api/me/").status_code == 302  # to the login page


def test_a_permission_revoked_elsewhere_is_refused_by_every_worker_at_its_next_check(
    workers: list[launch.RunningSite], environment: dict[str, str]
) -> None:
    with client_of(workers[0]) as client:
        assert log_in(client, "alice").status_code == 302
        cookies = client.cookies
    for worker in workers:  # each checks, and both find the permission cached after
        assert me(worker, cookies)["can_view_notes"] is True
        assert me(worker, cookies)["can_view_notes"] is True

    launch.run_django(environment, "shell", "-c", REVOKE_ALICES_GROUP_PERMISSION)

    for worker in workers:
        assert me(worker, cookies)["can_view_notes"] is False


def test_a_worker_killed_while_writing_sessions_loses_none_it_acknowledged(
    workers: list[launch.RunningSite],
) -> None:
    doomed, survivor = workers
    jars = []
    for _ in range(4):
        with client_of(doomed) as client:
            assert log_in(client, "alice").status_code == 302
            jars.append(client.cookies)

    def count_visits(cookies: httpx.Cookies) -> int:
        """Visits until the worker dies: the last count it acknowledged."""
        acknowledged = 0
        with client_of(doomed, cookies) as client:
            while True:
                try:
                    response = client.get("/api/visits/")
                except httpx.TransportError:
                    return acknowledged
                assert response.status_code == 200, response.text
                acknowledged = int(response.json()["visits"])
                if acknowledged == 5:
                    os.kill(doomed.pid, signal.SIGKILL)  # mid-load: the others are in flight

    with ThreadPoolExecutor(len(jars)) as pool:
        acknowledged = list(pool.map(count_visits, jars))

    for cookies, last in zip(jars, acknowledged, strict=True):
        with client_of(survivor, cookies) as client:
            response = client.get("/api/visits/")
        assert response.status_code == 200, response.text
        # The session survives, user included; a write in flight when the worker died
        # either landed whole or not at all.
        assert response.json()["visits"] in (last + 1, last + 2)
