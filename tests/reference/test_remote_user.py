"""``reference_backends.RemoteUserBackend``: Django's behaviour in both modes; its middlewares."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.test import AsyncClient, Client, override_settings

from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.testing import Mode
from reference_backends import AllowAllUsersRemoteUserBackend, RemoteUserBackend

calls: list[tuple[str, bool]] = []


class ConfiguringBackend(RemoteUserBackend):
    """Sync hooks that query the database."""

    def clean_username(self, username: str) -> str:
        name = username.partition("@")[0]
        existing = User.objects.filter(username__iexact=name).values_list("username", flat=True)
        return existing.first() or name.lower()

    def configure_user(self, request: HttpRequest | None, user: Any, created: bool = True) -> Any:
        calls.append((user.username, created))
        if created:
            user.first_name = "Configured"
            user.save(update_fields=["first_name"])
        return user


class AsyncConfiguringBackend(RemoteUserBackend):
    """Only the async side of configure_user: the sync side is derived."""

    async def aconfigure_user(
        self, request: HttpRequest | None, user: Any, created: bool = True
    ) -> Any:
        calls.append((user.username, created))
        if created:
            user.first_name = "Async"
            await user.asave(update_fields=["first_name"])
        return user


class ExistingOnlyBackend(RemoteUserBackend):
    create_unknown_user = False


def test_unknown_users_are_created_and_configured(backend_mode: Mode, db: None) -> None:
    calls.clear()
    backend = ConfiguringBackend()
    user = backend_mode.call(backend, "authenticate", None, "Dana@CORP.EXAMPLE")
    assert (user.username, user.first_name) == ("dana", "Configured")
    again = backend_mode.call(backend, "authenticate", None, "DANA@corp.example")
    assert again == user
    assert calls == [("dana", True), ("dana", False)]
    assert User.objects.filter(username="dana").count() == 1


def test_an_async_only_configure_user_is_called_in_both_modes(backend_mode: Mode, db: None) -> None:
    calls.clear()
    user = backend_mode.call(AsyncConfiguringBackend(), "authenticate", None, "erin")
    assert User.objects.get(pk=user.pk).first_name == "Async"
    assert calls == [("erin", True)]


def test_existing_users_only(backend_mode: Mode, alice: User) -> None:
    backend = ExistingOnlyBackend()
    assert backend_mode.call(backend, "authenticate", None, "alice") == alice
    assert backend_mode.call(backend, "authenticate", None, "stranger") is None
    assert not User.objects.filter(username="stranger").exists()


def test_inactive_and_empty(backend_mode: Mode, alice: User) -> None:
    alice.is_active = False
    alice.save()
    assert backend_mode.call(RemoteUserBackend(), "authenticate", None, "alice") is None
    assert (
        backend_mode.call(AllowAllUsersRemoteUserBackend(), "authenticate", None, "alice") == alice
    )
    assert backend_mode.call(RemoteUserBackend(), "authenticate", None, "") is None


def test_one_hop_when_configure_user_is_djangos(alice: User) -> None:
    async def hops() -> int:
        with count_hops() as counted:
            await RemoteUserBackend().aauthenticate(None, "alice")
        return counted.count

    assert async_to_sync(hops)() == 1


MIDDLEWARES = {
    "remote": "django.contrib.auth.middleware.RemoteUserMiddleware",
    "persistent": "django.contrib.auth.middleware.PersistentRemoteUserMiddleware",
}


def middleware_settings(kind: str) -> override_settings:
    return override_settings(
        AUTHENTICATION_BACKENDS=["reference_backends.RemoteUserBackend"],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            MIDDLEWARES[kind],
        ],
    )


@pytest.mark.parametrize("kind", sorted(MIDDLEWARES))
def test_middleware_under_wsgi(kind: str, db: None) -> None:
    client = Client()
    with middleware_settings(kind):
        # Under WSGI the server passes REMOTE_USER in the environ.
        assert client.get("/whoami/", REMOTE_USER="frank").content == b"frank"
        without_header = client.get("/whoami/").content
    assert without_header == (b"frank" if kind == "persistent" else b"anonymous")
    assert User.objects.filter(username="frank").exists()


@pytest.mark.parametrize("kind", sorted(MIDDLEWARES))
@pytest.mark.django_db(transaction=True)
async def test_middleware_under_asgi(kind: str, thread_connections_closed: None) -> None:
    client = AsyncClient()
    with middleware_settings(kind):
        # Under ASGI Django reads it from a Remote-User header. A sync view first:
        # on Django 5.2 an async view's request.auser() still answers from the
        # cache it filled before the middleware logged the user in.
        first = await client.get("/whoami/", headers={"Remote-User": "gina"})
        # Then the session: request.auser() goes through aget_user().
        second = await client.get("/awhoami/", headers={"Remote-User": "gina"})
        without_header = await client.get("/whoami/")
        afterwards = await client.get("/awhoami/")
    assert (first.content, second.content) == (b"gina", b"gina")
    expected = b"gina" if kind == "persistent" else b"anonymous"
    assert (without_header.content, afterwards.content) == (expected, expected)
    assert await User.objects.filter(username="gina").aexists()


def test_a_name_too_long_for_any_user_is_refused_before_configure_user(
    backend_mode: Mode, db: None
) -> None:
    calls.clear()
    assert backend_mode.call(ConfiguringBackend(), "authenticate", None, "x" * 151) is None
    assert calls == []
    assert not User.objects.filter(username__startswith="xxx").exists()


class RefusingBackend(ConfiguringBackend):
    """``clean_username()`` refuses names outside the company's domain."""

    def clean_username(self, username: str) -> str | None:  # type: ignore[override]
        if not username.endswith("@corp.example"):
            return None
        return super().clean_username(username)


class RefusingExistingOnlyBackend(RefusingBackend):
    create_unknown_user = False


@pytest.mark.parametrize("backend_class", [RefusingBackend, RefusingExistingOnlyBackend])
def test_a_name_clean_username_refuses_logs_nobody_in(
    backend_mode: Mode, backend_class: type[RemoteUserBackend], alice: User
) -> None:
    calls.clear()
    backend = backend_class()
    assert backend_mode.call(backend, "authenticate", None, "alice@elsewhere.example") is None
    assert backend_mode.call(backend, "authenticate", None, "alice") is None
    assert calls == []
    assert backend_mode.call(backend, "authenticate", None, "alice@corp.example") == alice


@pytest.mark.django_db(transaction=True)
async def test_a_refused_name_under_the_middleware_is_anonymous(
    thread_connections_closed: None,
) -> None:
    client = AsyncClient()
    with (
        middleware_settings("remote"),
        override_settings(AUTHENTICATION_BACKENDS=[f"{__name__}.RefusingBackend"]),
    ):
        # A sync view: see test_middleware_under_asgi for Django 5.2's async views.
        refused = await client.get("/whoami/", headers={"Remote-User": "mallory@evil.example"})
        accepted = await client.get("/whoami/", headers={"Remote-User": "hana@corp.example"})
    assert (refused.status_code, refused.content) == (200, b"anonymous")
    assert accepted.content == b"hana"
