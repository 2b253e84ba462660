"""``RemoteUserMiddleware`` and ``PersistentRemoteUserMiddleware`` with the reference backend.

Each scenario is a browser's requests, each naming a user the way a web
server does (``REMOTE_USER`` under WSGI, the ``Remote-User`` header under
ASGI) or naming nobody; the answers are whom the view found logged in
(``request.user`` in sync views, ``await request.auser()`` in async ones).
The same requests through Django's middleware reproduce its hazards: on 5.2
async views see each login and logout by the middleware a request late
(the first one an anonymous user); on 6.1 a subclass's sync
``process_request()`` or ``clean_username()`` is ignored under ASGI.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation

from .browsing import ASGI, WSGI, Browser, Transport
from .stacks import DJANGO, REFERENCE, Middleware, Stack, django_engine, per_line, reference_engine

pytestmark = pytest.mark.django_db

ENGINES = ["db", "signed_cookies"]
BACKENDS = ["reference_backends.ModelBackend", "reference_backends.RemoteUserBackend"]
SUBCLASSES = "tests.reference.middleware.remote_users."
Named = str | None  # the name a request carries; None: no header at all


def visits(
    middleware: Middleware,
    remote_user_middleware: str,
    names: Sequence[Named],
    transport: Transport,
    engine: str = "db",
    logged_in: User | None = None,
    header: str | None = None,
) -> list[str]:
    """Whom the view found logged in at each request, each naming a user or none.

    With ``header``, the name comes in that request header instead of from
    the web server.
    """
    engine_path = django_engine(engine) if middleware is DJANGO else reference_engine(engine)
    with Stack.of(middleware, engine_path, remote_user_middleware).settings(
        AUTHENTICATION_BACKENDS=BACKENDS
    ):
        browser = Browser(transport)
        if logged_in is not None:
            browser.force_login(logged_in)  # through the first backend: ModelBackend
        answers = []
        for name in names:
            if header is not None:
                response = browser.get("me", headers={} if name is None else {header: name})
            else:
                response = browser.get("me", remote_user=name)
            answers.append(response.content.decode())
        return answers


KINDS = {"remote": "remote_user", "persistent": "persistent_remote_user"}


def of_kind(middleware: Middleware, kind: str) -> str:
    """The family's remote user middleware of that kind."""
    dotted_path: str = getattr(middleware, KINDS[kind])
    return dotted_path


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("engine", ENGINES)
def test_the_first_request_is_the_named_user(kind: str, engine: str, transport: Transport) -> None:
    reference = visits(REFERENCE, of_kind(REFERENCE, kind), ["frank"], transport, engine)
    django = visits(DJANGO, of_kind(DJANGO, kind), ["frank"], transport, engine)
    assert reference == ["frank"]
    if transport is WSGI:
        assert django == ["frank"]
    else:
        # Django 5.2's request.auser() answers the anonymous user it loaded
        # before the middleware logged frank in.
        assert django == per_line(django_5_2=["anonymous"], django_6_1=["frank"])
    assert User.objects.filter(username="frank").count() == 1


SWITCHING = ["frank", "frank", "gina", "gina"]
SCENARIOS: dict[str, tuple[Sequence[Named], dict[str, list[str]]]] = {
    # name: (the names requests carry, what each kind of middleware answers)
    "header gone": (
        ["frank", None, None],
        {"remote": ["frank", "anonymous", "anonymous"], "persistent": ["frank"] * 3},
    ),
    "header names another user": (SWITCHING, {"remote": SWITCHING, "persistent": SWITCHING}),
    "header back after logout": (
        ["frank", None, "frank"],
        {"remote": ["frank", "anonymous", "frank"], "persistent": ["frank"] * 3},
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("engine", ENGINES)
def test_each_request_follows_the_header(
    kind: str, scenario: str, engine: str, transport: Transport
) -> None:
    names, answers = SCENARIOS[scenario]
    reference = visits(REFERENCE, of_kind(REFERENCE, kind), names, transport, engine)
    django = visits(DJANGO, of_kind(DJANGO, kind), names, transport, engine)
    assert reference == answers[kind]
    if transport is WSGI:
        assert django == reference
    else:
        # Whenever Django 5.2's middleware logs a user in or out, request.auser()
        # answers the user of before: the async views see each change a request late.
        one_request_late = ["anonymous", *reference[:-1]]
        assert django == per_line(django_5_2=one_request_late, django_6_1=reference)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_user_logged_in_otherwise_stays_without_header(
    kind: str, transport: Transport, alice: User
) -> None:
    """Only a user a remote user backend logged in is logged out when the header is gone."""
    for middleware in (REFERENCE, DJANGO):
        answers = visits(middleware, of_kind(middleware, kind), [None], transport, logged_in=alice)
        assert answers == ["alice"]


def test_a_remote_user_header_is_not_the_web_servers_name_under_wsgi() -> None:
    """Under WSGI the name is REMOTE_USER in the environ: a client's header names nobody."""
    for middleware in (REFERENCE, DJANGO):
        answers = visits(
            middleware, middleware.remote_user, ["mallory"], WSGI, header="Remote-User"
        )
        assert answers == ["anonymous"]


def test_a_sync_process_request_override_is_honoured(transport: Transport) -> None:
    """It refuses the blocked name: the override must run in both modes."""
    reference = visits(REFERENCE, SUBCLASSES + "BlockingMiddleware", ["mallory"], transport)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        django = visits(DJANGO, SUBCLASSES + "DjangoBlockingMiddleware", ["mallory"], transport)
    assert reference == ["anonymous"]
    if transport is WSGI:
        assert django == ["anonymous"]
    else:
        # Django 5.2 runs it, deprecated; 6.1 ignores it: mallory is let in.
        assert django == per_line(django_5_2=["anonymous"], django_6_1=["mallory"])
        deprecated = [str(w.message) for w in warned if "process_request()" in str(w.message)]
        assert len(deprecated) == per_line(django_5_2=1, django_6_1=0)
    frank_through_reference = visits(
        REFERENCE, SUBCLASSES + "BlockingMiddleware", ["frank"], transport
    )
    assert frank_through_reference == ["frank"]


def test_a_sync_clean_username_override_is_honoured(transport: Transport, alice: User) -> None:
    """It matches names without case, with a query: the same user stays logged in."""
    names = ["alice", "ALICE"]
    reference = visits(REFERENCE, SUBCLASSES + "CaseInsensitiveMiddleware", names, transport)
    assert reference == ["alice", "alice"]
    assert not User.objects.filter(username="ALICE").exists()
    django_subclass = SUBCLASSES + "DjangoCaseInsensitiveMiddleware"
    if transport is WSGI:
        assert visits(DJANGO, django_subclass, names, transport) == ["alice", "alice"]
    elif per_line(django_5_2=True, django_6_1=False):
        # Django 5.2 calls the sync override on the event loop: its query fails.
        with pytest.raises(SynchronousOnlyOperation):
            visits(DJANGO, django_subclass, names, transport)
    else:
        # Django 6.1 ignores it: ALICE is another user, created and logged in.
        assert visits(DJANGO, django_subclass, names, transport) == ["alice", "ALICE"]


def test_a_custom_header_names_a_request_meta_key_in_both_modes(transport: Transport) -> None:
    """``header = "HTTP_AUTHUSER"``: the ``AuthUser`` request header, under WSGI and ASGI."""
    names = ["frank", "frank", None]
    reference = visits(
        REFERENCE, SUBCLASSES + "AuthUserHeaderMiddleware", names, transport, header="AuthUser"
    )
    django = visits(
        DJANGO, SUBCLASSES + "DjangoAuthUserHeaderMiddleware", names, transport, header="AuthUser"
    )
    assert reference == ["frank", "frank", "anonymous"]
    if transport is WSGI:
        assert django == reference
    else:
        # Django 5.2 reads "HTTP_" + header under ASGI: HTTP_HTTP_AUTHUSER, never sent.
        assert django == per_line(django_5_2=["anonymous"] * 3, django_6_1=reference)


def test_the_default_header_under_asgi_is_the_remote_user_request_header() -> None:
    reference = visits(
        REFERENCE, REFERENCE.remote_user, ["frank", "frank"], ASGI, header="Remote-User"
    )
    assert reference == ["frank", "frank"]


@pytest.mark.parametrize("middleware", [REFERENCE, DJANGO], ids=["reference", "django"])
def test_without_authentication_middleware_the_error_names_it(
    middleware: Middleware, transport: Transport
) -> None:
    stack = Stack.of(middleware, reference_engine("db"))
    with (
        stack.settings(MIDDLEWARE=[middleware.session, middleware.remote_user]),
        pytest.raises(ImproperlyConfigured, match=middleware.authentication),
    ):
        Browser(transport).get("me", remote_user="frank")
