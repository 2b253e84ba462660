"""Where the reference engines depart from Django's, each in both modes, Django's beside.

* ``signed_cookies``: a cookie whose signature fails is logged as Django's
  other stores log corrupted data, a cookie past ``SESSION_COOKIE_AGE`` loads
  empty without being logged, and a cookie past the expiry ``set_expiry()``
  gave it (seconds counted from when it was signed, or a date) loads empty
  (Django's loads it: ticket #19201);
* ``db``, ``cached_db`` and ``cache``: a key holding a NUL byte starts a new
  session without reaching the store, exists nowhere and deletes nothing
  (Django's ``db`` and ``cached_db`` raise ``DataError`` on PostgreSQL).

Cookies "signed a while ago" are signed by a real ``TimestampSigner`` whose
clock is set back: no test waits.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core import signing
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.sessions.contract.logs import SUSPICIOUS_SESSION, logged
from auth_backend_sdk.testing import Mode
from tests.reference.sessions.stores import (
    COOKIE_SALT,
    DJANGO,
    REFERENCE,
    SERVER_SIDE,
    Store,
    past,
    seed,
)

pytestmark = pytest.mark.django_db

DATA = {"user": "alice", "cart": [1, 2]}
COOKIES = [
    pytest.param(DJANGO["signed_cookies"], id="django"),
    pytest.param(REFERENCE["signed_cookies"], id="reference"),
]
OURS = REFERENCE["signed_cookies"]


class SignerOfThePast(signing.TimestampSigner):
    """A ``TimestampSigner`` whose clock is ``seconds`` behind."""

    def __init__(self, seconds: int) -> None:
        super().__init__(salt=COOKIE_SALT)
        self.seconds = seconds

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.seconds)


def cookie_signed_ago(seconds: int, data: dict[str, Any]) -> str:
    """The cookie Django's ``signed_cookies`` store would have made ``seconds`` ago."""
    serializer = DJANGO["signed_cookies"]().serializer
    return SignerOfThePast(seconds).sign_object(data, serializer=serializer, compress=True)


def load(mode: Mode, store: Store, key: str) -> tuple[dict[str, Any], int]:
    """What a fresh store on ``key`` loads in ``mode``, and how many warnings were logged."""
    with logged(SUSPICIOUS_SESSION) as records:
        data = dict(mode.call(store(key), "items"))
    return data, len(records)


# -- signed cookies -----------------------------------------------------------------------


def test_the_cookie_made_here_is_the_one_djangos_store_makes() -> None:
    # The crafted cookies below are Django's own, signed earlier.
    assert DJANGO["signed_cookies"](cookie_signed_ago(0, DATA)).load() == DATA


@pytest.mark.parametrize("store", COOKIES)
def test_a_forged_cookie_loads_empty(store: Store, backend_mode: Mode) -> None:
    forged = cookie_signed_ago(0, {**DATA, "is_admin": True})[:-3] + "abc"
    data, warnings = load(backend_mode, store, forged)
    assert data == {}
    # Logged as SessionBase.decode() logs corrupted data; Django's cookie store stays silent.
    assert warnings == (1 if store is OURS else 0)


@pytest.mark.parametrize("store", COOKIES)
def test_a_cookie_past_the_cookie_age_loads_empty_unlogged(
    store: Store, backend_mode: Mode
) -> None:
    old = cookie_signed_ago(settings.SESSION_COOKIE_AGE + 60, DATA)
    assert load(backend_mode, store, old) == ({}, 0)


@pytest.mark.parametrize(
    ("signed_ago", "expiry", "loads"),
    [
        pytest.param(600, 300, False, id="300-seconds-signed-10-minutes-ago"),
        pytest.param(600, 900, True, id="900-seconds-signed-10-minutes-ago"),
        pytest.param(600, 0, True, id="at-browser-close-signed-10-minutes-ago"),
        pytest.param(0, 300, True, id="300-seconds-signed-now"),
    ],
)
@pytest.mark.parametrize("store", COOKIES)
def test_a_cookie_past_its_set_expiry_seconds_loads_empty(
    store: Store, signed_ago: int, expiry: int, loads: bool, backend_mode: Mode
) -> None:
    session = {**DATA, "_session_expiry": expiry}
    data, warnings = load(backend_mode, store, cookie_signed_ago(signed_ago, session))
    if store is OURS:
        # As the db store: expire_date is the save (here, the signing) plus the seconds.
        assert data == (session if loads else {})
    else:  # ticket #19201: only SESSION_COOKIE_AGE counts
        assert data == session
    assert warnings == 0


@pytest.mark.parametrize("store", COOKIES)
def test_a_cookie_past_its_set_expiry_date_loads_empty(store: Store, backend_mode: Mode) -> None:
    data, warnings = load(backend_mode, store, seed(store, DATA, expiry=past()))
    assert (data == {}) is (store is OURS)
    assert warnings == 0


def test_the_checks_cost_no_thread_hop() -> None:
    async def hops(key: str) -> int:
        with count_hops() as counted:
            await OURS(key).aload()
        return counted.count

    for key in (
        cookie_signed_ago(0, DATA),
        cookie_signed_ago(600, {**DATA, "_session_expiry": 300}),
        "forged:cookie",
    ):
        assert async_to_sync(hops)(key) == 0


# -- keys holding a NUL byte --------------------------------------------------------------

NUL_KEY = "contract\x00" + "a" * 23
SERVER_STORES = [pytest.param(REFERENCE[name], id=name) for name in SERVER_SIDE]


@pytest.mark.parametrize("store", SERVER_STORES)
def test_a_key_with_a_nul_byte_starts_a_new_session_without_a_query(
    store: Store, backend_mode: Mode
) -> None:
    seed(store, DATA)
    session = store(NUL_KEY)
    assert session.session_key is None
    with CaptureQueriesContext(connection) as queries:
        assert dict(backend_mode.call(session, "items")) == {}
    assert len(queries) == 0
    backend_mode.call(session, "__setitem__", "k", "v")
    backend_mode.call(session, "save")
    assert session.session_key not in (None, NUL_KEY)


@pytest.mark.parametrize("store", SERVER_STORES)
def test_a_key_with_a_nul_byte_exists_nowhere_and_deleting_it_deletes_nothing(
    store: Store, backend_mode: Mode
) -> None:
    kept = seed(store, DATA)
    session = store(kept)
    with CaptureQueriesContext(connection) as queries:
        assert backend_mode.call(session, "exists", NUL_KEY) is False
        backend_mode.call(session, "delete", NUL_KEY)
    assert len(queries) == 0
    assert dict(backend_mode.call(store(kept), "items")) == DATA


@pytest.mark.parametrize("engine", ["db", "cached_db"])
def test_djangos_database_stores_pass_the_nul_byte_to_the_database(
    engine: str, backend_mode: Mode
) -> None:
    session = DJANGO[engine](NUL_KEY)
    assert session.session_key == NUL_KEY
    if connection.vendor == "postgresql":
        with pytest.raises(DataError):
            backend_mode.call(session, "items")
    else:
        assert dict(backend_mode.call(session, "items")) == {}


@pytest.mark.parametrize("store", SERVER_STORES)
def test_keys_django_makes_are_still_accepted(store: Store) -> None:
    key = seed(store, DATA)
    assert store(key).session_key == key
    assert store("8chars00").session_key == "8chars00"
    assert store("7chars0").session_key is None  # Django's own rule, kept
