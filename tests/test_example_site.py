"""The example site (``examples/site``) under uvicorn, driven over real HTTP.

One database per module (SQLite, or PostgreSQL when ``ABS_TEST_DATABASE`` says
so), migrated and seeded once; for each configuration below, a copy of it and
a uvicorn server. The site as shipped runs the reference stack (the reference
session engine and middleware): each ModelBackend choice runs on it, and so do
signed-cookie sessions; Django's stack (``SITE_STACK=django``) keeps working
too. Logins, ``login_required``, ``permission_required``, rules' object
permissions (through ``dual_mode()``) and the remote-user route are async
views; the admin is Django's sync path. Sessions past their age are refused,
on every reference engine.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from examples.site import launch

PASSWORD = "site-test-password"
MODEL_BACKENDS = ["reference", "django", "dual_mode"]
SESSION_ENGINES = ["db", "cache", "cached_db", "signed_cookies"]


@dataclass(frozen=True)
class Config:
    """What a site runs: ``SITE_MODEL_BACKEND``, ``SITE_STACK``, ``SITE_SESSION_ENGINE``."""

    model_backend: str = "reference"
    stack: str = "reference"
    session_engine: str = "db"

    def __str__(self) -> str:
        return f"{self.model_backend} backend, {self.stack} stack, {self.session_engine}"

    def environment(self, database: launch.Database) -> dict[str, str]:
        return launch.environment(
            database,
            model_backend=self.model_backend,
            stack=self.stack,
            session_engine=self.session_engine,
            mode="test",
        )


CONFIGS = [
    # The site as shipped: reference ModelBackend, reference stack, db sessions.
    pytest.param(Config(), id="reference"),
    pytest.param(Config(model_backend="django"), id="django"),
    pytest.param(Config(model_backend="dual_mode"), id="dual_mode"),
    pytest.param(Config(session_engine="signed_cookies"), id="signed_cookies"),
    # What bench/http_load.py compares the reference stack with.
    pytest.param(Config(stack="django"), id="django_stack"),
]


@dataclass(frozen=True)
class Site:
    url: str
    config: Config

    def client(self, cookies: dict[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, cookies=cookies)


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launch.Database]:
    kind = "postgresql" if os.environ.get("ABS_TEST_DATABASE") == "postgresql" else "sqlite"
    directory = tmp_path_factory.mktemp("example-site")
    with launch.temporary_database(kind, directory) as database:
        launch.prepare(launch.environment(database, mode="test"), PASSWORD)
        yield database


@pytest.fixture(scope="module", params=CONFIGS)
def site(
    request: pytest.FixtureRequest,
    seeded_database: launch.Database,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Site]:
    config: Config = request.param
    directory = tmp_path_factory.mktemp("site")
    with (
        launch.cloned(seeded_database, directory) as database,
        launch.serving(config.environment(database), directory) as running,
    ):
        yield Site(running.url, config)
        # Shown with the report of a test that failed here: a 500's traceback.
        print(running.log())


def csrf_token(page: httpx.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, f"no CSRF token in {page.request.url}"
    return found.group(1)


def log_in(
    client: httpx.Client, username: str, password: str = PASSWORD, next_url: str = ""
) -> httpx.Response:
    form = client.get("/login/")
    return client.post(
        "/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(form),
            "username": username,
            "password": password,
            "next": next_url,
        },
    )


def admin_log_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/admin/login/")
    return client.post(
        "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": csrf_token(form),
            "username": username,
            "password": password,
            "next": "/admin/",
        },
    )


def signed_in_as(client: httpx.Client) -> str | None:
    home = client.get("/")
    if home.status_code == 302:
        return None
    found = re.search(r'<strong id="username">([^<]*)</strong>', home.text)
    assert found, home.text
    return found.group(1)


def note_edit_paths(client: httpx.Client) -> dict[str, str]:
    """{owner: the edit URL of their note}, from the note list (needs notes.view_note)."""
    listing = client.get("/notes/")
    assert listing.status_code == 200
    links = re.findall(r'href="(/notes/\d+/edit/)">[^<]*</a> \((\w+)\)', listing.text)
    return {owner: path for path, owner in links}


def test_login_succeeds_and_redirects_home(site: Site) -> None:
    with site.client() as client:
        response = log_in(client, "alice")
        assert (response.status_code, response.headers["location"]) == (302, "/")
        assert "sessionid" in client.cookies
        assert signed_in_as(client) == "alice"


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong-password"), ("nobody", PASSWORD), ("", "")],
)
def test_login_fails_with_wrong_credentials(site: Site, username: str, password: str) -> None:
    with site.client() as client:
        response = log_in(client, username, password)
        assert response.status_code == 200
        assert "Please enter a correct username and password." in response.text
        assert "sessionid" not in client.cookies
        assert signed_in_as(client) is None


def test_login_without_csrf_token_is_refused(site: Site) -> None:
    with site.client() as client:
        client.get("/login/")
        response = client.post("/login/", data={"username": "alice", "password": PASSWORD})
        assert response.status_code == 403
        assert signed_in_as(client) is None


def test_login_redirects_to_local_next_only(site: Site) -> None:
    with site.client() as client:
        assert log_in(client, "alice", next_url="/notes/").headers["location"] == "/notes/"
    with site.client() as client:
        response = log_in(client, "alice", next_url="https://elsewhere.example/")
        assert response.headers["location"] == "/"


def test_a_sync_only_authenticate_override_is_honoured_by_async_login(site: Site) -> None:
    # TrimmedUsernameModelBackend (dual_mode) overrides only authenticate(): DualModeMixin
    # derives aauthenticate() from it. The other two backends take usernames as they come.
    with site.client() as client:
        response = log_in(client, "  alice ")
        if site.config.model_backend == "dual_mode":
            assert response.status_code == 302
            assert signed_in_as(client) == "alice"
        else:
            assert response.status_code == 200
            assert signed_in_as(client) is None


def test_logout(site: Site) -> None:
    with site.client() as client:
        assert log_in(client, "alice").status_code == 302
        home = client.get("/")
        assert home.status_code == 200
        assert client.get("/logout/").status_code == 405
        response = client.post("/logout/", data={"csrfmiddlewaretoken": csrf_token(home)})
        assert (response.status_code, response.headers["location"]) == (302, "/login/")
        assert signed_in_as(client) is None
        assert client.get("/api/me/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/notes/", "/notes/1/edit/", "/api/me/"])
def test_login_required_redirects_anonymous_users(site: Site, path: str) -> None:
    with site.client() as client:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["location"] == f"/login/?next={path}"


def test_permission_required_allows_a_user_with_the_permission(site: Site) -> None:
    with site.client() as client:
        log_in(client, "alice")
        listing = client.get("/notes/")
        assert listing.status_code == 200
        assert "Alice&#x27;s shopping list" in listing.text
        assert "Bob&#x27;s to-do list" in listing.text


def test_permission_required_refuses_a_user_without_it(site: Site) -> None:
    with site.client() as client:
        log_in(client, "bob")
        assert client.get("/").status_code == 200
        assert client.get("/notes/").status_code == 403


def test_ahas_perm_in_an_async_view(site: Site) -> None:
    with site.client() as alice, site.client() as bob:
        log_in(alice, "alice")
        log_in(bob, "bob")
        assert alice.get("/api/me/").json() == {"username": "alice", "can_view_notes": True}
        assert bob.get("/api/me/").json() == {"username": "bob", "can_view_notes": False}


def test_a_view_writing_the_session_keeps_what_it_wrote(site: Site) -> None:
    with site.client() as client:
        log_in(client, "alice")
        counts = [client.get("/api/visits/").json()["visits"] for _ in range(3)]
        assert counts == [1, 2, 3]
        assert client.get("/api/me/").json()["username"] == "alice"


def test_owners_edit_their_notes_through_rules(site: Site) -> None:
    # alice and bob have no model permission to change notes: rules' backend, made
    # dual-mode, grants it to the owner. Without its async side ahas_perm() would deny.
    with site.client() as alice, site.client() as bob:
        log_in(alice, "alice")
        log_in(bob, "bob")
        paths = note_edit_paths(alice)
        form = alice.get(paths["alice"])
        assert form.status_code == 200
        title = f"Renamed under {site.config}"
        saved = alice.post(
            paths["alice"], data={"csrfmiddlewaretoken": csrf_token(form), "title": title}
        )
        assert (saved.status_code, saved.headers["location"]) == (302, paths["alice"])
        assert f'<h1 id="title">{title}</h1>' in alice.get(paths["alice"]).text
        assert bob.get(paths["bob"]).status_code == 200


def test_nobody_edits_another_owners_note(site: Site) -> None:
    with site.client() as alice, site.client() as bob:
        log_in(alice, "alice")
        log_in(bob, "bob")
        paths = note_edit_paths(alice)
        assert alice.get(paths["bob"]).status_code == 403
        bobs_form = bob.get(paths["bob"])
        refused = alice.post(
            paths["bob"],
            data={"csrfmiddlewaretoken": csrf_token(bobs_form), "title": "Taken over"},
        )
        assert refused.status_code == 403
        assert bob.get(paths["alice"]).status_code == 403
        assert "Taken over" not in bob.get(paths["bob"]).text


def test_single_sign_on_logs_in_the_user_the_proxy_names(site: Site) -> None:
    # RemoteUserBackend creates the user; the session keeps them logged in afterwards.
    with site.client() as client:
        response = client.get("/sso/?next=/api/me/", headers={"Remote-User": "erin"})
        assert (response.status_code, response.headers["location"]) == (302, "/api/me/")
        assert client.get("/api/me/").json() == {"username": "erin", "can_view_notes": False}
        assert signed_in_as(client) == "erin"


def test_single_sign_on_replaces_a_password_login(site: Site) -> None:
    with site.client() as client:
        log_in(client, "alice")
        assert client.get("/sso/", headers={"Remote-User": "carol"}).status_code == 302
        assert signed_in_as(client) == "carol"


def test_single_sign_on_without_the_header_is_refused(site: Site) -> None:
    with site.client() as client:
        assert client.get("/sso/").status_code == 403


@pytest.mark.parametrize("path", ["/", "/api/me/", "/notes/"])
def test_the_remote_user_header_is_ignored_outside_single_sign_on(site: Site, path: str) -> None:
    with site.client() as client:
        response = client.get(path, headers={"Remote-User": "alice"})
        assert response.status_code == 302
        assert response.headers["location"].startswith("/login/")


def test_admin_login_and_a_page_the_permission_opens(site: Site) -> None:
    # The admin's views are sync: Django runs them, and the backends' sync sides, in a thread.
    with site.client() as carol:
        response = admin_log_in(carol, "carol")
        assert (response.status_code, response.headers["location"]) == (302, "/admin/")
        changelist = carol.get("/admin/notes/note/")
        assert changelist.status_code == 200
        assert "Bob&#x27;s to-do list" in changelist.text


def test_admin_refuses_the_page_to_staff_without_the_permission(site: Site) -> None:
    with site.client() as dave:
        assert admin_log_in(dave, "dave").status_code == 302
        assert dave.get("/admin/").status_code == 200
        assert dave.get("/admin/notes/note/").status_code == 403


@pytest.mark.parametrize(("username", "password"), [("bob", PASSWORD), ("carol", "wrong")])
def test_admin_login_refuses(site: Site, username: str, password: str) -> None:
    with site.client() as client:
        response = admin_log_in(client, username, password)
        assert response.status_code == 200
        assert "Please enter the correct username and password for a staff" in response.text
        response = client.get("/admin/notes/note/")
        assert response.status_code == 302
        assert response.headers["location"].startswith("/admin/login/")


def test_logout_ends_the_session_on_the_server(site: Site) -> None:
    if site.config.session_engine == "signed_cookies":
        pytest.skip("a signed cookie is the session: a copy kept stays valid (Django's docs)")
    with site.client() as client:
        log_in(client, "alice")
        kept = client.cookies["sessionid"]
        home = client.get("/")
        assert client.post("/logout/", data={"csrfmiddlewaretoken": csrf_token(home)}).is_redirect
        assert "sessionid" not in client.cookies
    with site.client(cookies={"sessionid": kept}) as replayed:
        assert signed_in_as(replayed) is None


# Session expiry: a site per reference engine whose sessions last a few seconds.

SESSION_AGE = 3
"""Seconds. Signed cookies count whole seconds from the second they were signed in: a
session is sure to be valid for ``SESSION_AGE - 1`` seconds, and expired after ``SESSION_AGE``."""


@pytest.fixture(scope="module")
def short_lived_sites(
    seeded_database: launch.Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Site]]:
    """A site per reference session engine, with ``SESSION_COOKIE_AGE = SESSION_AGE``."""
    sites = {}
    with ExitStack() as stack:
        for engine in SESSION_ENGINES:
            directory = tmp_path_factory.mktemp(f"short-lived-{engine}")
            config = Config(session_engine=engine)
            database = stack.enter_context(launch.cloned(seeded_database, directory))
            env = {**config.environment(database), "SITE_SESSION_COOKIE_AGE": str(SESSION_AGE)}
            running = stack.enter_context(launch.serving(env, directory))
            sites[engine] = Site(running.url, config)
        yield sites


def test_a_session_past_its_age_is_not_served(short_lived_sites: dict[str, Site]) -> None:
    # The browser drops the cookie when its max-age passes; the server must refuse it too,
    # when a client sends it again. All sites wait at once, to keep the test short.
    kept: dict[str, str] = {}
    for engine, site in short_lived_sites.items():
        with site.client() as client:
            assert log_in(client, "alice").status_code == 302
            kept[engine] = client.cookies["sessionid"]
        with site.client(cookies={"sessionid": kept[engine]}) as replayed:
            assert signed_in_as(replayed) == "alice", engine
    # Every session was signed in before now: each is past its age after this.
    time.sleep(SESSION_AGE + 0.5)
    after = {}
    for engine, site in short_lived_sites.items():
        with site.client(cookies={"sessionid": kept[engine]}) as replayed:
            after[engine] = signed_in_as(replayed)
            assert replayed.get("/api/me/").status_code == 302
    assert after == dict.fromkeys(SESSION_ENGINES, None)


@pytest.mark.parametrize(
    "config",
    [
        Config(),
        Config(model_backend="django", session_engine="cache"),
        Config(model_backend="dual_mode", session_engine="cached_db"),
        Config(session_engine="signed_cookies"),
        Config(stack="django"),
    ],
    ids=str,
)
def test_check_finds_no_hazard(seeded_database: launch.Database, config: Config) -> None:
    # auth_backend_sdk's system checks pass for every backend choice and session engine of
    # either stack (migrate ran them for the default only).
    launch.run_django(config.environment(seeded_database), "check", "--fail-level", "WARNING")


@pytest.mark.parametrize("stack", ["reference", "django"])
def test_the_minimal_middleware_serves_what_the_http_bench_drives(
    stack: str, seeded_database: launch.Database, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """``SITE_MIDDLEWARE=minimal``: what ``bench/http_load.py`` drives still answers."""
    directory = tmp_path_factory.mktemp("minimal")
    with launch.cloned(seeded_database, directory) as database:
        env = launch.environment(
            database, mode="test", stack=stack, model_backend=stack, middleware="minimal"
        )
        with launch.serving(env, directory) as running:
            site = Site(running.url, Config(model_backend=stack, stack=stack))
            with site.client() as client:
                log_in(client, "alice")
                assert client.get("/api/me/").json() == {
                    "username": "alice",
                    "can_view_notes": True,
                }
                assert client.get("/api/visits/").json() == {"visits": 1}
                # Without the clickjacking middleware: the header the full list adds is gone.
                assert "x-frame-options" not in client.get("/api/me/").headers
