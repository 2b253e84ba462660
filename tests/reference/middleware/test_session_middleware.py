"""``SessionMiddleware``: the same responses as Django's, header by header, in both modes.

Each scenario is a few requests by one browser. Django's middleware with
Django's engine answers it first (the oracle, whose answers are also stated,
so that a scenario tests what it is named for); then the reference middleware
answers it with the reference engine, and with Django's engine: every response
must match the oracle's in status, body, every header and every session
cookie attribute (the session key and the cookie's date masked, see
``observing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.sessions.exceptions import SessionInterrupted

from .browsing import Browser, Transport
from .observing import observed, summary
from .stacks import DJANGO, ENGINES, REFERENCE, Stack, django_engine, reference_engine

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Scenario:
    """Views requested in turn, and what each response is (see ``observing.summary``)."""

    steps: tuple[tuple[str, str], ...]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def views(self) -> list[str]:
        return [view for view, _ in self.steps]

    @property
    def expected(self) -> list[str]:
        return [answer for _, answer in self.steps]


NEW = ("write", "200 1 Cookie kept")
SCENARIOS = {
    "new session": Scenario((NEW,)),
    "modified": Scenario((NEW, ("write", "200 2 Cookie kept"))),
    "accessed, not modified: Vary, no cookie": Scenario((NEW, ("read", "200 1 Cookie -"))),
    "not accessed": Scenario((NEW, ("untouched", "200 untouched - -"))),
    "not accessed, no cookie": Scenario((("untouched", "200 untouched - -"),)),
    "read, no cookie": Scenario((("read", "200 0 Cookie -"), ("read", "200 0 Cookie -"))),
    # The test client keeps a deleted cookie and sends it back empty: deleted again.
    "flushed: cookie deleted": Scenario(
        (NEW, ("flush", "200 flushed Cookie deleted"), ("read", "200 0 Cookie deleted"))
    ),
    "flushed, no cookie": Scenario((("flush", "200 flushed Cookie -"),)),
    # clear() keeps the session key: the session is not empty, it is saved empty.
    "cleared": Scenario((NEW, ("clear", "200 cleared Cookie kept"), ("read", "200 0 Cookie -"))),
    "5xx: not saved": Scenario((NEW, ("fail", "500 failed Cookie -"), ("read", "200 1 Cookie -"))),
    "5xx, new session": Scenario((("fail", "500 failed Cookie -"), ("read", "200 0 Cookie -"))),
    "set_expiry(0): no max-age": Scenario(
        (
            ("expire-at-browser-close", "200 1 Cookie browser-length"),
            ("read", "200 1 Cookie -"),
            ("write", "200 2 Cookie browser-length"),
        )
    ),
    "SESSION_SAVE_EVERY_REQUEST": Scenario(
        (
            ("read", "200 0 Cookie -"),  # an empty session is not saved
            NEW,
            ("read", "200 1 Cookie kept"),
            ("untouched", "200 untouched Cookie kept"),
        ),
        {"SESSION_SAVE_EVERY_REQUEST": True},
    ),
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": Scenario(
        (
            ("write", "200 1 Cookie browser-length"),
            ("read", "200 1 Cookie -"),
            ("write", "200 2 Cookie browser-length"),
        ),
        {"SESSION_EXPIRE_AT_BROWSER_CLOSE": True},
    ),
}

SUBJECTS = {"reference engine": reference_engine, "django's engine": django_engine}


def browse(stack: Stack, transport: Transport, views: list[str], **settings: Any) -> list[Any]:
    """What the browser sees of each view requested in turn, through ``stack``."""
    with stack.settings(**settings):
        browser = Browser(transport)
        return [observed(browser.get(view)) for view in views]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("subject", sorted(SUBJECTS))
@pytest.mark.parametrize("engine", ENGINES)
def test_responses_match_djangos(
    engine: str, subject: str, scenario: str, transport: Transport
) -> None:
    steps = SCENARIOS[scenario]
    expected = browse(
        Stack.of(DJANGO, django_engine(engine)), transport, steps.views, **steps.settings
    )
    assert [summary(seen) for seen in expected] == steps.expected
    actual = browse(
        Stack.of(REFERENCE, SUBJECTS[subject](engine)), transport, steps.views, **steps.settings
    )
    assert actual == expected


DELETED_MEANWHILE = ["write", "deleted-meanwhile", "read"]
INTERRUPTED = [
    "200 1 Cookie kept",
    "400 Bad Request (400) - -",  # SessionInterrupted: the change is not saved
    "200 0 Cookie deleted",  # the session is gone: its cookie is deleted
]
DELETED_MEANWHILE_ANSWERS = {
    "db": INTERRUPTED,
    "cached_db": INTERRUPTED,
    "cache": INTERRUPTED,
    # A signed cookie has nothing to delete: the session lives in the browser.
    "signed_cookies": ["200 1 Cookie kept", "200 2 Cookie kept", "200 2 Cookie -"],
}


@pytest.mark.parametrize("subject", sorted(SUBJECTS))
@pytest.mark.parametrize("engine", ENGINES)
def test_a_session_deleted_meanwhile_is_interrupted_as_with_django(
    engine: str, subject: str, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    """A concurrent request (a logout) deleted the session: Django refuses to save into it."""
    stacks = {
        "django": Stack.of(DJANGO, django_engine(engine)),
        "reference": Stack.of(REFERENCE, SUBJECTS[subject](engine)),
    }
    seen: dict[str, list[Any]] = {}
    errors: dict[str, list[Any]] = {}
    for name, stack in stacks.items():
        caplog.clear()
        seen[name] = browse(stack, transport, DELETED_MEANWHILE)
        errors[name] = [
            record.exc_info[0] if record.exc_info else record.getMessage()
            for record in caplog.records
            if record.name == "django.request"
        ]
    assert [summary(response) for response in seen["django"]] == DELETED_MEANWHILE_ANSWERS[engine]
    assert seen["reference"] == seen["django"]
    interrupted = DELETED_MEANWHILE_ANSWERS[engine] is INTERRUPTED
    assert errors["django"] == ([SessionInterrupted] if interrupted else [])
    assert errors["reference"] == errors["django"]
