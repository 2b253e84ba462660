"""The example site (``examples/site``) under uvicorn, driven over real HTTP.

One database per module (SQLite, or PostgreSQL when ``ABS_TEST_DATABASE`` says
so), migrated and seeded once; for each ModelBackend choice the site offers, a
copy of it and a uvicorn server. Logins, ``login_required``,
``permission_required``, rules' object permissions (through ``dual_mode()``)
and the remote-user route are async views; the admin is Django's sync path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from examples.site import launch

PASSWORD = "site-test-password"
MODEL_BACKENDS = ["reference", "django", "dual_mode"]


@dataclass(frozen=True)
class Site:
    url: str
    model_backend: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launch.Database]:
    kind = "postgresql" if os.environ.get("ABS_TEST_DATABASE") == "postgresql" else "sqlite"
    directory = tmp_path_factory.mktemp("example-site")
    with launch.temporary_database(kind, directory) as database:
        launch.prepare(launch.environment(database, mode="test"), PASSWORD)
        yield database


@pytest.fixture(scope="module", params=MODEL_BACKENDS)
def site(
    request: pytest.FixtureRequest,
    seeded_database: launch.Database,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Site]:
    model_backend: str = request.param
    directory = tmp_path_factory.mktemp(f"site-{model_backend}")
    with launch.cloned(seeded_database, directory) as database:
        env = launch.environment(database, model_backend=model_backend, mode="test")
        with launch.serving(env, directory) as running:
            yield Site(running.url, model_backend)
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
        if site.model_backend == "dual_mode":
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


def test_owners_edit_their_notes_through_rules(site: Site) -> None:
    # alice and bob have no model permission to change notes: rules' backend, made
    # dual-mode, grants it to the owner. Without its async side ahas_perm() would deny.
    with site.client() as alice, site.client() as bob:
        log_in(alice, "alice")
        log_in(bob, "bob")
        paths = note_edit_paths(alice)
        form = alice.get(paths["alice"])
        assert form.status_code == 200
        title = f"Renamed under {site.model_backend}"
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


def test_check_finds_no_hazard(seeded_database: launch.Database) -> None:
    # auth_backend_sdk's system checks pass for every backend choice (migrate ran them
    # for the default only).
    for model_backend in MODEL_BACKENDS:
        env = launch.environment(seeded_database, model_backend=model_backend, mode="test")
        launch.run_django(env, "check", "--fail-level", "WARNING")
