"""``AuthenticationMiddleware``: ``request.user`` and ``request.auser()``, right after a login.

The reference middleware gives both accessors one user, loaded once, and
both follow a ``login()``/``alogin()``/``logout()``/``alogout()`` made in the
view. Django's middleware is run on the same requests first: on Django 5.2
``request.auser()`` keeps answering the user it loaded before the login or
logout (the hazard, reproduced); on 6.1 it follows.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation

from .browsing import ASGI, Browser, Transport
from .stacks import DJANGO, REFERENCE, Middleware, Stack, django_engine, per_line, reference_engine

pytestmark = pytest.mark.django_db

ENGINES = ["db", "signed_cookies"]


def stack(middleware: Middleware, engine: str) -> Stack:
    """Django's middleware with Django's engine, or the reference ones together."""
    if middleware is DJANGO:
        return Stack.of(DJANGO, django_engine(engine))
    return Stack.of(REFERENCE, reference_engine(engine))


def visit(
    middleware: Middleware,
    engine: str,
    transport: Transport,
    view: str,
    query: dict[str, str] | None = None,
    logged_in: User | None = None,
) -> tuple[str, str]:
    """The view's answer, and whom the next request finds logged in."""
    with stack(middleware, engine).settings():
        browser = Browser(transport)
        if logged_in is not None:
            browser.force_login(logged_in)
        answer = browser.get(view, query).content.decode()
        return answer, browser.get("me").content.decode()


@pytest.mark.parametrize("engine", ENGINES)
def test_user_and_auser_are_one_user_loaded_once(
    engine: str, transport: Transport, alice: User
) -> None:
    """Sync views read ``request.user`` first, async views ``await request.auser()`` first."""
    anonymous = visit(REFERENCE, engine, transport, "whoami")
    logged_in = visit(REFERENCE, engine, transport, "whoami", logged_in=alice)
    assert anonymous == ("anonymous|anonymous same=True", "anonymous")
    assert logged_in == ("alice|alice same=True", "alice")


@pytest.mark.parametrize("engine", ENGINES)
def test_djangos_user_and_auser_load_the_user_twice(
    engine: str, transport: Transport, alice: User
) -> None:
    """Django's: two loads; in an async view ``request.user`` loads it again, on the loop."""
    if transport is ASGI:
        with pytest.raises(SynchronousOnlyOperation):
            visit(DJANGO, engine, transport, "whoami", logged_in=alice)
    else:
        assert visit(DJANGO, engine, transport, "whoami", logged_in=alice) == (
            "alice|alice same=False",
            "alice",
        )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("before", [None, "bob"])
def test_auser_follows_a_login_in_the_view(
    engine: str, before: str | None, transport: Transport, alice: User, bob: User
) -> None:
    logged_in = {None: None, "bob": bob}[before]
    was = before or "anonymous"
    reference = visit(REFERENCE, engine, transport, "login", {"as": "alice"}, logged_in)
    django = visit(DJANGO, engine, transport, "login", {"as": "alice"}, logged_in)
    assert reference == (f"{was} -> alice|alice", "alice")
    assert django == per_line(
        django_5_2=(f"{was} -> alice|{was}", "alice"),  # request.auser(): the user before
        django_6_1=(f"{was} -> alice|alice", "alice"),
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_auser_follows_a_logout_in_the_view(engine: str, transport: Transport, alice: User) -> None:
    reference = visit(REFERENCE, engine, transport, "logout", logged_in=alice)
    django = visit(DJANGO, engine, transport, "logout", logged_in=alice)
    assert reference == ("alice -> anonymous|anonymous", "anonymous")
    assert django == per_line(
        django_5_2=("alice -> anonymous|alice", "anonymous"),  # still alice, until the next request
        django_6_1=("alice -> anonymous|anonymous", "anonymous"),
    )


@pytest.mark.parametrize("middleware", [REFERENCE, DJANGO], ids=["reference", "django"])
def test_without_session_middleware_the_error_names_it(
    middleware: Middleware, transport: Transport
) -> None:
    stack = Stack.of(middleware, reference_engine("db"))
    with (
        stack.settings(MIDDLEWARE=[middleware.authentication]),
        pytest.raises(ImproperlyConfigured, match=middleware.session),
    ):
        Browser(transport).get("me")


@pytest.mark.parametrize("engine", ENGINES)
def test_sync_views_under_asgi_follow_login_and_logout_too(engine: str, alice: User) -> None:
    """A sync view served by ASGI (in a thread) calls ``login()``/``logout()``."""
    answers = {
        middleware: (
            visit(middleware, engine, ASGI, "/sync/login/", {"as": "alice"}),
            visit(middleware, engine, ASGI, "/sync/logout/", logged_in=alice),
        )
        for middleware in (REFERENCE, DJANGO)
    }
    logged_in = ("anonymous -> alice|alice", "alice")
    logged_out = ("alice -> anonymous|anonymous", "anonymous")
    assert answers[REFERENCE] == (logged_in, logged_out)
    assert answers[DJANGO] == per_line(
        django_5_2=(
            ("anonymous -> alice|anonymous", "alice"),
            ("alice -> anonymous|alice", "anonymous"),
        ),
        django_6_1=(logged_in, logged_out),
    )
