"""Real third-party session stores from PyPI, as shipped and adapted with ``dual_mode()``.

django-qsessions records the user, IP and user agent of each session in its
row (``save()``, ``create_model_instance()``) and refreshes them when a request
comes from elsewhere (``load()`` marks the session modified); its ``asave()``
and ``aload()`` are Django's, which know nothing of that. django-user-sessions
records the user when ``__setitem__`` sets it; ``aset()``, which ``alogin()``
calls, skips ``__setitem__``. Each hazard is shown on the store as shipped,
then fixed by the adapted engine (``third_party_engines``): 1. on the store
directly, 2. through Django's test clients with the package's own middleware,
3. through Channels' session middleware on a real ASGI server. What is compared
between modes is the package's stored row (user, IP, user agent, data), not
only the session dictionary. 4. Sessions stay readable across the switch.
5. The how-to page's store and output.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import User
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import SessionBase
from django.core.checks import run_checks
from django.http import HttpRequest
from django.test import override_settings

from auth_backend_sdk import describe
from auth_backend_sdk.engine import MethodPair
from auth_backend_sdk.engine.description import Hazard
from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.sessions.system_checks import TAG
from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from docs.examples import sessions as how_to

from .channels_app import LOGIN_PATH, application, channels_login
from .channels_server import serving
from .third_party_browser import Browser, behind_the_packages_middleware, user_agent_header
from .third_party_stores import (
    QSESSIONS_CACHED_DB,
    QSESSIONS_DB,
    STORES,
    USER_SESSIONS_DB,
    StoredRow,
    ThirdPartyStore,
    Variant,
    Visitor,
)

MODES = (SYNC, ASYNC)
UNWRAPPED, ADAPTED = Variant.UNWRAPPED, Variant.ADAPTED
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LOGIN = MethodPair("login", "alogin")
AT_HOME = Visitor("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
ON_THE_ROAD = Visitor("198.51.100.23", "Mozilla/5.0 (iPhone) Safari/18.0")
ALICE = {"username": "alice", "password": "alice-password"}

pytestmark = pytest.mark.django_db


@pytest.fixture(params=STORES, ids=str)
def store(request: pytest.FixtureRequest) -> ThirdPartyStore:
    third_party: ThirdPartyStore = request.param
    return third_party


@pytest.fixture(params=[UNWRAPPED, ADAPTED], ids=str)
def variant(request: pytest.FixtureRequest) -> Variant:
    chosen: Variant = request.param
    return chosen


def recorded(row: StoredRow | None) -> tuple[object, ...]:
    """The user, IP and user agent of a row that must exist."""
    assert row is not None
    return row.user_id, row.ip, row.user_agent


def differing(sync_row: StoredRow | None, async_row: StoredRow | None) -> set[str]:
    """The fields of the two rows that differ (``{"row"}`` when only one exists)."""
    if sync_row is None or async_row is None:
        return set() if sync_row is async_row else {"row"}
    return {
        field.name
        for field in dataclasses.fields(StoredRow)
        if getattr(sync_row, field.name) != getattr(async_row, field.name)
    }


# 1. On the store. One body per behaviour, run in each mode.


def set_the_user_and_save(mode: Mode, session: SessionBase, user: User) -> None:
    mode.call(session, "__setitem__", auth.SESSION_KEY, str(user.pk))
    mode.call(session, "save")


def log_in_and_save(mode: Mode, session: SessionBase, user: User) -> None:
    """Django's ``login()`` or ``alogin()``, then save: what the test client's ``login()`` does."""
    request = HttpRequest()
    request.session = session
    mode.call(auth, LOGIN, request, user, MODEL_BACKEND)
    mode.call(session, "save")


def read_and_save_if_modified(mode: Mode, session: SessionBase) -> bool:
    """Read the session, then save it if reading modified it, as the middleware does."""
    mode.call(session, "get", auth.SESSION_KEY)
    modified = session.modified
    if modified:
        mode.call(session, "save")
    return modified


def rows_after_a_login(
    store: ThirdPartyStore,
    variant: Variant,
    log_in: Callable[[Mode, SessionBase, User], None],
    user: User,
) -> dict[Mode, StoredRow | None]:
    """Per mode, the row of a new session from ``AT_HOME`` after ``log_in``."""
    rows = {}
    for mode in MODES:
        session = store.new_store(variant, visitor=AT_HOME)
        log_in(mode, session, user)
        rows[mode] = store.stored_row(session.session_key)
    return rows


# What the store as shipped records differently in async: qsessions' save() (the user, IP and
# user agent columns, and two keys of the data) is bypassed by Django's asave(); user-sessions'
# __setitem__ (the user column) by SessionBase's aset().
LOST_IN_ASYNC = {
    QSESSIONS_DB: {"user_id", "ip", "user_agent", "data"},
    QSESSIONS_CACHED_DB: {"user_id", "ip", "user_agent", "data"},
    USER_SESSIONS_DB: {"user_id"},
}
LOGINS = pytest.mark.parametrize(
    "log_in", [set_the_user_and_save, log_in_and_save], ids=["aset-asave", "alogin-asave"]
)


@LOGINS
def test_as_shipped_async_loses_what_the_store_records(
    store: ThirdPartyStore, log_in: Callable[[Mode, SessionBase, User], None], alice: User
) -> None:
    rows = rows_after_a_login(store, UNWRAPPED, log_in, alice)
    assert recorded(rows[SYNC]) == (alice.pk, AT_HOME.ip, AT_HOME.user_agent)
    assert recorded(rows[ASYNC])[0] is None
    assert differing(rows[SYNC], rows[ASYNC]) == LOST_IN_ASYNC[store]


@LOGINS
def test_adapted_async_records_the_row_sync_does(
    store: ThirdPartyStore, log_in: Callable[[Mode, SessionBase, User], None], alice: User
) -> None:
    rows = rows_after_a_login(store, ADAPTED, log_in, alice)
    assert recorded(rows[SYNC]) == (alice.pk, AT_HOME.ip, AT_HOME.user_agent)
    assert rows[ASYNC] == rows[SYNC]


def test_describe_names_the_bypassed_overrides_until_adapted(store: ThirdPartyStore) -> None:
    hazards = describe(store.store_class(UNWRAPPED)).hazards
    assert {pair.hazard for pair in hazards} == {Hazard.ASYNC_SHADOWED}
    overridden = {"load", "save", "create_model_instance"}
    if store is USER_SESSIONS_DB:
        overridden = {"__setitem__"}
    assert {pair.pair.sync_name for pair in hazards} == overridden
    assert describe(store.store_class(ADAPTED)).hazards == ()


def session_check_ids(engine: str) -> list[str | None]:
    with override_settings(SESSION_ENGINE=engine):
        return [message.id for message in run_checks(tags=[TAG])]


def test_the_system_checks_flag_the_store_until_adapted(store: ThirdPartyStore) -> None:
    assert session_check_ids(store.engine(UNWRAPPED)) == ["auth_backend_sdk.E101"]
    assert session_check_ids(store.engine(ADAPTED)) == []


def after_a_read_from_elsewhere(
    store: ThirdPartyStore, variant: Variant, user: User
) -> dict[Mode, tuple[bool, StoredRow | None]]:
    """Per mode: a session logged in from ``AT_HOME`` (in sync, by the store as shipped), read
    by ``variant`` from ``ON_THE_ROAD``: whether reading modified it, and its row after."""
    seen = {}
    for mode in MODES:
        seeded = store.new_store(UNWRAPPED, visitor=AT_HOME)
        log_in_and_save(SYNC, seeded, user)
        session = store.new_store(variant, seeded.session_key, ON_THE_ROAD)
        modified = read_and_save_if_modified(mode, session)
        seen[mode] = (modified, store.stored_row(seeded.session_key))
    return seen


# Whether an async read marks the session modified, and what is then left unrefreshed.
# user-sessions' aload() is SessionBase's bridge to its load(): the control.
ASYNC_READ_AS_SHIPPED = {
    QSESSIONS_DB: (False, {"ip", "user_agent", "data"}),
    QSESSIONS_CACHED_DB: (False, {"ip", "user_agent", "data"}),
    USER_SESSIONS_DB: (True, set()),
}


def test_as_shipped_async_reads_keep_the_old_ip_and_user_agent(
    store: ThirdPartyStore, alice: User
) -> None:
    seen = after_a_read_from_elsewhere(store, UNWRAPPED, alice)
    (sync_modified, sync_row), (async_modified, async_row) = seen[SYNC], seen[ASYNC]
    assert sync_modified is True
    assert recorded(sync_row) == (alice.pk, ON_THE_ROAD.ip, ON_THE_ROAD.user_agent)
    assert (async_modified, differing(sync_row, async_row)) == ASYNC_READ_AS_SHIPPED[store]


def test_adapted_async_reads_refresh_the_ip_and_user_agent(
    store: ThirdPartyStore, alice: User
) -> None:
    seen = after_a_read_from_elsewhere(store, ADAPTED, alice)
    sync_modified, sync_row = seen[SYNC]
    assert sync_modified is True
    assert recorded(sync_row) == (alice.pk, ON_THE_ROAD.ip, ON_THE_ROAD.user_agent)
    assert seen[ASYNC] == seen[SYNC]


# 2. Through Django's test clients: Client and sync views, AsyncClient and async views
# (alogin(), request.auser()), behind the package's own session middleware.

FIREFOX = Visitor("127.0.0.1", AT_HOME.user_agent)
SAFARI = Visitor("127.0.0.1", ON_THE_ROAD.user_agent)


def rows_while_browsing(
    store: ThirdPartyStore, variant: Variant, mode: Mode
) -> tuple[StoredRow | None, StoredRow | None]:
    """The row after a login from Firefox, and after a page read from Safari."""
    browser = Browser(mode)
    with behind_the_packages_middleware(store, variant):
        assert browser.post("login", ALICE, FIREFOX).content == b"alice"
        after_login = store.stored_row(browser.session_key)
        assert browser.get("whoami", SAFARI).content == b"alice"
        return after_login, store.stored_row(browser.session_key)


# Through the middleware the final save is its sync save(): qsessions records the user, but
# its aload() leaves the session unmodified, so the new user agent is never saved.
# user-sessions' aset() (in alogin) leaves its user_id unset, and the sync save() stores that.
BROWSING_AS_SHIPPED = {
    QSESSIONS_DB: (set(), {"user_agent", "data"}),
    QSESSIONS_CACHED_DB: (set(), {"user_agent", "data"}),
    USER_SESSIONS_DB: ({"user_id"}, {"user_id"}),
}


def test_as_shipped_an_async_view_records_another_row(store: ThirdPartyStore, alice: User) -> None:
    (sync_login, sync_visit), (async_login, async_visit) = (
        rows_while_browsing(store, UNWRAPPED, mode) for mode in MODES
    )
    assert recorded(sync_login) == (alice.pk, *dataclasses.astuple(FIREFOX))
    assert recorded(sync_visit) == (alice.pk, *dataclasses.astuple(SAFARI))
    differences = (differing(sync_login, async_login), differing(sync_visit, async_visit))
    assert differences == BROWSING_AS_SHIPPED[store]


def test_adapted_an_async_view_records_the_row_a_sync_view_does(
    store: ThirdPartyStore, alice: User
) -> None:
    synced, asynced = (rows_while_browsing(store, ADAPTED, mode) for mode in MODES)
    assert recorded(synced[0]) == (alice.pk, *dataclasses.astuple(FIREFOX))
    assert recorded(synced[1]) == (alice.pk, *dataclasses.astuple(SAFARI))
    assert asynced == synced


def test_user_sessions_lists_the_sessions_async_views_logged_in_once_adapted(
    variant: Variant, alice: User
) -> None:
    # user-sessions' session list and "log out my other sessions" look sessions up by user.
    keys = {}
    for mode in MODES:
        browser = Browser(mode)
        with behind_the_packages_middleware(USER_SESSIONS_DB, variant):
            assert browser.post("login", ALICE, FIREFOX).content == b"alice"
        keys[mode] = browser.session_key
    sessions = USER_SESSIONS_DB.model._default_manager.filter(user_id=alice.pk)
    listed = set(sessions.values_list("session_key", flat=True))
    assert listed == ({keys[SYNC]} if variant is UNWRAPPED else {keys[SYNC], keys[ASYNC]})


def row_after_the_clients_login(
    store: ThirdPartyStore, variant: Variant, mode: Mode
) -> StoredRow | None:
    browser = Browser(mode)
    with override_settings(SESSION_ENGINE=store.engine(variant)):
        assert browser.log_in(**ALICE) is True
        return store.stored_row(browser.session_key)


def test_as_shipped_the_async_clients_alogin_loses_the_user(
    store: ThirdPartyStore, alice: User
) -> None:
    synced, asynced = (row_after_the_clients_login(store, UNWRAPPED, mode) for mode in MODES)
    assert (recorded(synced)[0], recorded(asynced)[0]) == (alice.pk, None)


def test_adapted_the_async_clients_alogin_records_the_user(
    store: ThirdPartyStore, alice: User
) -> None:
    synced, asynced = (row_after_the_clients_login(store, ADAPTED, mode) for mode in MODES)
    assert recorded(synced)[0] == alice.pk
    assert asynced == synced


# 3. Through Channels: its AuthMiddlewareStack around an AsyncHttpConsumer, served by uvicorn.
# Channels logs in with sync code (session[...] = ..., so __setitem__ runs) and saves with
# asave() since Django 5.1; before, it saved with save() in a thread: the sync path.


@pytest.fixture(scope="module")
def channels_site() -> Iterator[str]:
    with serving(application) as url:
        yield url


def row_after_a_channels_login(
    store: ThirdPartyStore, variant: Variant, site: str
) -> StoredRow | None:
    with (
        override_settings(SESSION_ENGINE=store.engine(variant)),
        httpx.Client(base_url=site, headers=user_agent_header(FIREFOX)) as client,
    ):
        response = client.post(LOGIN_PATH, data=ALICE)
    assert (response.status_code, response.text) == (200, "alice")
    return store.stored_row(response.cookies[settings.SESSION_COOKIE_NAME])


def row_after_the_same_login_saved_in_sync(
    store: ThirdPartyStore, variant: Variant
) -> StoredRow | None:
    """Channels' ``login()`` on a store built as Channels builds it, then ``save()``."""
    session = store.new_store(variant)
    async_to_sync(channels_login)({"session": session}, auth.authenticate(None, **ALICE))
    session.save()
    return store.stored_row(session.session_key)


# user-sessions records the user in __setitem__, which Channels' sync login() calls, and its
# asave() is SessionBase's bridge to its save(): the control.
LOST_THROUGH_CHANNELS = {
    QSESSIONS_DB: {"user_id"},
    QSESSIONS_CACHED_DB: {"user_id"},
    USER_SESSIONS_DB: set(),
}


@pytest.mark.django_db(transaction=True)
def test_as_shipped_channels_asave_loses_the_user(
    store: ThirdPartyStore, channels_site: str, alice: User, thread_connections_closed: None
) -> None:
    served = row_after_a_channels_login(store, UNWRAPPED, channels_site)
    synced = row_after_the_same_login_saved_in_sync(store, UNWRAPPED)
    # Channels builds the store as SessionStore(session_key): no IP or user agent, ever.
    assert recorded(synced) == (alice.pk, None, None)
    assert differing(synced, served) == LOST_THROUGH_CHANNELS[store]


@pytest.mark.django_db(transaction=True)
def test_adapted_channels_asave_records_the_row_sync_does(
    store: ThirdPartyStore, channels_site: str, alice: User, thread_connections_closed: None
) -> None:
    served = row_after_a_channels_login(store, ADAPTED, channels_site)
    synced = row_after_the_same_login_saved_in_sync(store, ADAPTED)
    assert recorded(synced) == (alice.pk, None, None)
    assert served == synced


# 4. Interoperability: the adapted class keeps the name (key salt), table and cache prefix.


@pytest.mark.parametrize(
    ("writer", "reader"), [(UNWRAPPED, ADAPTED), (ADAPTED, UNWRAPPED)], ids=["to-adapted", "back"]
)
def test_a_session_written_by_one_class_is_read_by_the_other(
    store: ThirdPartyStore, writer: Variant, reader: Variant, backend_mode: Mode
) -> None:
    written = store.new_store(writer, visitor=AT_HOME)
    backend_mode.call(written, "__setitem__", "colour", "blue")
    backend_mode.call(written, "save")
    store.forget_cached(written.session_key)
    read = store.new_store(reader, written.session_key, AT_HOME)
    assert backend_mode.call(read, "get", "colour") == "blue"
    assert read.session_key == written.session_key
    assert read.key_salt == written.key_salt
    assert getattr(read, "cache_key_prefix", None) == getattr(written, "cache_key_prefix", None)


def test_a_store_renamed_reads_the_session_as_empty(
    store: ThirdPartyStore, backend_mode: Mode
) -> None:
    # The premise of the test above: the key salt holds the class's qualified name.
    written = store.new_store(UNWRAPPED, visitor=AT_HOME)
    written["colour"] = "blue"
    written.save()
    store.forget_cached(written.session_key)
    renamed = type("RenamedSessionStore", (store.store_class(ADAPTED),), {})
    assert backend_mode.call(renamed(written.session_key), "get", "colour") is None


# 5. The how-to page (docs/howto/adapt_a_session_store.md), its store (docs/examples/sessions.py).

HOW_TO = Path(__file__).resolve().parents[2] / "docs" / "howto" / "adapt_a_session_store.md"


def shown_output(marker: str) -> list[str]:
    """The lines of the text block after ``% describe-output: <marker>`` on the page."""
    page = HOW_TO.read_text(encoding="utf-8")
    after = page.partition(f"% describe-output: {marker}\n")[2]
    assert after, f"no describe-output block for {marker}"
    return after.partition("```text\n")[2].partition("\n```")[0].splitlines()


def test_the_how_to_shows_what_describe_prints_of_the_store_as_shipped() -> None:
    path = "qsessions.backends.db.SessionStore"
    printed = [line for line in str(describe(path)).splitlines() if not line.endswith(" ok")]
    assert [line.split() for line in shown_output(path)] == [line.split() for line in printed]


def test_the_engines_the_how_to_shows_have_no_hazard() -> None:
    for engine in ("docs.examples.sessions", QSESSIONS_DB.adapted_module):
        described = describe(engine)
        assert (described.is_dual_mode, described.hazards) == (True, ())
        assert session_check_ids(engine) == []


@pytest.mark.parametrize(("hours_ago", "still_served"), [(11, True), (13, False)])
def test_the_how_to_store_ends_a_session_twelve_hours_after_it_started(
    backend_mode: Mode, hours_ago: int, still_served: bool
) -> None:
    written = how_to.SessionStore()
    written["colour"] = "blue"
    written[how_to.STARTED_AT] = time.time() - hours_ago * 3600
    written.save()
    read = how_to.SessionStore(written.session_key)
    assert backend_mode.call(read, "get", "colour") == ("blue" if still_served else None)
    assert (read.session_key == written.session_key) is still_served


def test_the_how_to_store_records_when_a_session_started_once(backend_mode: Mode) -> None:
    session = how_to.SessionStore()
    backend_mode.call(session, "__setitem__", "colour", "blue")
    started_at = session[how_to.STARTED_AT]
    backend_mode.call(session, "__setitem__", "size", "L")
    assert session[how_to.STARTED_AT] == started_at
    backend_mode.call(session, "save")
    assert how_to.SessionStore(session.session_key)[how_to.STARTED_AT] == started_at


def hops_per_async_step(store_class: type[SessionBase], session_key: str | None) -> list[int]:
    """Thread hops of each step of a request on a stored session: read, write twice, save."""
    session = store_class(session_key)
    steps = [("get", ("colour",)), ("__setitem__", ("colour", "red"))]
    steps += [("__setitem__", ("size", "L")), ("save", ())]
    counts = []
    for method, arguments in steps:
        with count_hops() as hops:
            ASYNC.call(session, method, *arguments)
        counts.append(hops.count)
    return counts


def test_the_how_to_stores_in_memory_override_adds_no_thread_hop() -> None:
    stored = how_to.SessionStore()
    stored["colour"] = "blue"
    stored.save()
    # Read (a derived aload(), one hop), aset() twice through the override (none), save (one).
    assert hops_per_async_step(how_to.SessionStore, stored.session_key) == [1, 0, 0, 1]
    assert hops_per_async_step(db.SessionStore, stored.session_key) == [1, 0, 0, 1]
