"""Sessions cross between Django's engines and the reference ones, both ways, in each mode.

For each engine, one store writes (Django's or the reference), the other
reads: the data, the expiry ``set_expiry()`` gave, an expired session refused;
then one store cycles or flushes a session the other wrote, and the writer
finds the new key holding the data and the old key gone. ``cached_db`` is read
twice: from its cache entry, then from the row alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from auth_backend_sdk.sessions.contract.comparable import Moment, Seconds
from auth_backend_sdk.testing import Mode
from tests.reference.sessions.stores import (
    DJANGO,
    ENGINES,
    REFERENCE,
    SERVER_SIDE,
    Store,
    engine_of,
    forget_cached_copy,
    past,
    seed,
)

pytestmark = pytest.mark.django_db

DATA = {"user": "alice", "cart": [1, 2]}

DIRECTIONS = [
    pytest.param(first[name], second[name], id=f"{name}-{label}")
    for name in ENGINES
    for first, second, label in (
        (DJANGO, REFERENCE, "django-to-reference"),
        (REFERENCE, DJANGO, "reference-to-django"),
    )
]

EXPIRIES: dict[str, Any] = {
    "the default": None,
    "300 seconds": 300,
    "a timedelta of two hours": timedelta(hours=2),
    "a datetime a day ahead": "a day ahead",
    "at browser close": 0,
}


def expiry_value(label: str) -> Any:
    value = EXPIRIES[label]
    return timezone.now() + timedelta(days=1) if value == "a day ahead" else value


def reads(mode: Mode, store: Store, key: str) -> list[tuple[object, ...]]:
    """What a fresh ``store`` on ``key`` loads in ``mode``: the data, its expiry age and date.

    For ``cached_db``, twice: from the cache entry, then from the row alone.
    """
    times = 2 if engine_of(store) == "cached_db" else 1
    seen: list[tuple[object, ...]] = []
    for attempt in range(times):
        if attempt:
            forget_cached_copy(store, key)
        session = store(key)
        data = dict(mode.call(session, "items"))
        data.pop("_session_expiry", None)
        age = mode.call(session, "get_expiry_age")
        date = mode.call(session, "get_expiry_date")
        seen.append((data, Seconds(age), Moment(date)))
    return seen


@pytest.mark.parametrize(("writer", "reader"), DIRECTIONS)
@pytest.mark.parametrize("expiry", EXPIRIES)
def test_a_session_one_writes_the_other_reads_with_its_expiry(
    writer: Store, reader: Store, expiry: str, backend_mode: Mode
) -> None:
    session = writer()
    backend_mode.call(session, "update", DATA)
    value = expiry_value(expiry)
    if value is not None:
        backend_mode.call(session, "set_expiry", value)
    backend_mode.call(session, "save")
    assert session.session_key is not None
    age = Seconds(backend_mode.call(session, "get_expiry_age"))
    date = Moment(backend_mode.call(session, "get_expiry_date"))

    seen = reads(backend_mode, reader, session.session_key)

    assert seen == [(DATA, age, date)] * len(seen)
    if expiry == "300 seconds":
        assert age == Seconds(300)
    if expiry == "the default":
        assert age == Seconds(settings.SESSION_COOKIE_AGE)


@pytest.mark.parametrize(("writer", "reader"), DIRECTIONS)
def test_a_session_one_wrote_expired_loads_empty_in_the_other(
    writer: Store, reader: Store, backend_mode: Mode
) -> None:
    key = seed(writer, DATA, expiry=past())
    forget_cached_copy(writer, key)  # the row decides (Django's cache drops it by itself)
    session = reader(key)
    loaded = dict(backend_mode.call(session, "items"))
    if reader is DJANGO["signed_cookies"]:
        # Django's cookie store checks SESSION_COOKIE_AGE only (ticket #19201).
        assert loaded.keys() == {*DATA, "_session_expiry"}
    else:
        assert loaded == {}


@pytest.mark.parametrize(("writer", "other"), DIRECTIONS)
def test_the_other_cycles_the_key_the_writer_reads_the_new_one(
    writer: Store, other: Store, backend_mode: Mode
) -> None:
    old = seed(writer, DATA, expiry=300)
    session = other(old)
    assert backend_mode.call(session, "get", "user") == "alice"
    backend_mode.call(session, "cycle_key")
    new = session.session_key
    assert new is not None

    for data, age, _ in reads(backend_mode, writer, new):
        assert (data, age) == (DATA, Seconds(300))
    old_now = dict(backend_mode.call(writer(old), "items"))
    if engine_of(writer) in SERVER_SIDE:
        assert new != old
        assert old_now == {}
    else:  # a signed cookie cannot be revoked: the old one still holds the session
        assert old_now == {**DATA, "_session_expiry": 300}


@pytest.mark.parametrize(("writer", "other"), DIRECTIONS)
def test_the_other_flushes_the_session_the_writer_finds_it_gone(
    writer: Store, other: Store, backend_mode: Mode
) -> None:
    key = seed(writer, DATA)
    session = other(key)
    assert backend_mode.call(session, "get", "user") == "alice"
    backend_mode.call(session, "flush")
    assert session.session_key is None

    left = [dict(backend_mode.call(writer(key), "items"))]
    if engine_of(writer) == "cached_db":
        forget_cached_copy(writer, key)
        left.append(dict(backend_mode.call(writer(key), "items")))
    if engine_of(writer) in SERVER_SIDE:
        assert left == [{}] * len(left)
    else:  # the cookie is the session: flushing forgets it, the old cookie stays valid
        assert left == [DATA]
