"""Under ASGI the session is saved through ``asave()``, and only when modified.

The stores record the I/O methods the middleware and the views entered
(``recording``). Django's middleware, under ASGI, loads the session through
the async API (the views' ``aget()``) and saves it through the sync
``save()``, in a thread; the reference middleware awaits ``asave()``, with
the reference store and with Django's.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import recording
from .browsing import ASGI, WSGI, Browser, Transport
from .stacks import DJANGO, REFERENCE, Middleware, Stack

pytestmark = pytest.mark.django_db

RECORDING_REFERENCE_DB = "tests.reference.middleware.recording_db"
RECORDING_DJANGO_DB = "tests.reference.middleware.recording_django_db"

# The views requested in turn by one browser, the first without a cookie.
VIEWS = ["write", "write", "read", "untouched"]


def entered_per_request(
    middleware: Middleware, engine: str, transport: Transport, **settings: Any
) -> list[list[str]]:
    """The store methods each request of VIEWS entered, in order."""
    with Stack.of(middleware, engine).settings(**settings):
        browser = Browser(transport)
        per_request = []
        for view in VIEWS:
            recording.entered.clear()
            browser.get(view)
            per_request.append(list(recording.entered))
    return per_request


@pytest.mark.parametrize("engine", [RECORDING_REFERENCE_DB, RECORDING_DJANGO_DB])
def test_the_reference_middleware_saves_through_asave_under_asgi(engine: str) -> None:
    assert entered_per_request(REFERENCE, engine, ASGI) == [
        ["asave"],  # a new session: nothing to load
        ["aload", "asave"],
        ["aload"],  # read, not modified: not saved
        [],  # not accessed: neither loaded nor saved
    ]


@pytest.mark.parametrize("engine", [RECORDING_REFERENCE_DB, RECORDING_DJANGO_DB])
def test_djangos_middleware_saves_through_the_sync_save_under_asgi(engine: str) -> None:
    """The hazard the reference middleware removes, reproduced."""
    assert entered_per_request(DJANGO, engine, ASGI) == [["save"], ["aload", "save"], ["aload"], []]


@pytest.mark.parametrize("middleware", [REFERENCE, DJANGO], ids=["reference", "django"])
@pytest.mark.parametrize("engine", [RECORDING_REFERENCE_DB, RECORDING_DJANGO_DB])
def test_under_wsgi_both_save_through_save(engine: str, middleware: Middleware) -> None:
    assert entered_per_request(middleware, engine, WSGI) == [
        ["save"],
        ["load", "save"],
        ["load"],
        [],
    ]


@pytest.mark.parametrize("engine", [RECORDING_REFERENCE_DB, RECORDING_DJANGO_DB])
def test_with_save_every_request_unmodified_sessions_are_saved_through_asave(
    engine: str,
) -> None:
    saved_every_time = entered_per_request(REFERENCE, engine, ASGI, SESSION_SAVE_EVERY_REQUEST=True)
    # Even a session the view left alone is loaded first: its expiry sets the cookie's.
    assert saved_every_time == [
        ["asave"],
        ["aload", "asave"],
        ["aload", "asave"],
        ["aload", "asave"],
    ]
