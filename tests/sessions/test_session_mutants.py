"""Each mutant of ``bench/session_mutants.py`` is a real defect, shown without the contract.

Django's ``db.SessionStore`` is the oracle. Each scenario below is written
once and run in one mode, against a store class, inside a savepoint rolled
back after it; it returns what a caller can observe. For each mutant, its
scenario observes something else than Django's store in each mode its
docstring names, and the same in the other mode; each control observes what
Django's store does in every scenario, in both modes. Nothing here runs the
session contract: ``bench/session_suite_strength.py`` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, SessionBase
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from auth_backend_sdk import describe
from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from bench import session_mutants as m
from bench import session_suite_strength as strength

pytestmark = pytest.mark.django_db

ORACLE = db.SessionStore
Store = type[SessionBase]
Scenario = Callable[[Store, Mode], object]

ALICE = "alice".ljust(32, "0")
BOB = "bob".ljust(32, "0")
UNKNOWN = "unknown".ljust(32, "0")
SHORT = "1234567"  # one character short of Django's minimum


# -- what a scenario starts from, and what it reads -----------------------------------------


def stored(key: str, data: dict[str, Any], *, expires_in: timedelta = timedelta(hours=1)) -> str:
    """A session row under ``key`` holding ``data``, as Django's own store writes it."""
    Session.objects.create(
        session_key=key,
        session_data=ORACLE().encode(data),
        expire_date=timezone.now() + expires_in,
    )
    return key


def stored_data(key: str | None) -> dict[str, Any] | None:
    """What the row under ``key`` holds, as Django's store reads it; None without a row."""
    row = Session.objects.filter(session_key=key).first()
    return None if row is None else ORACLE().decode(row.session_data)


def raised(mode: Mode, method: str, call: Callable[[], object]) -> str | None:
    """The name of the exception ``call`` raised, if any."""
    error = mode.capture(method, call).raised
    return None if error is None else type(error).__name__


# -- scenarios ------------------------------------------------------------------------------


def expired_session(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"}, expires_in=-timedelta(seconds=1))
    store = store_cls(ALICE)
    return {"data": mode.call(store, "load"), "key kept": store.session_key is not None}


def unknown_key(store_cls: Store, mode: Mode) -> object:
    before = Session.objects.count()
    store = store_cls(UNKNOWN)
    data = mode.call(store, "load")
    key = store.session_key
    return {
        "data": data,
        "rows added": Session.objects.count() - before,
        "key": "none" if key is None else "the unknown one" if key == UNKNOWN else "a new one",
    }


def must_create_on_a_taken_key(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    store = store_cls(ALICE)
    error = raised(mode, "save", lambda: mode.call(store, "save", must_create=True))
    return {"raised": error, "alice's row": stored_data(ALICE)}


def save_after_a_concurrent_logout(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    store = store_cls(ALICE)
    mode.call(store, "get", "user")  # this request read the session...
    ORACLE(ALICE).delete()  # ...while another request logged out
    mode.call(store, "__setitem__", "cart", ["book"])
    error = raised(mode, "save", lambda: mode.call(store, "save"))
    return {"raised": error, "alice's row": stored_data(ALICE)}


def create(store_cls: Store, mode: Mode) -> object:
    store = store_cls()
    mode.call(store, "create")
    return {"modified": store.modified, "row": stored_data(store.session_key)}


def new_key(store_cls: Store, mode: Mode) -> object:
    store = store_cls()
    mode.call(store, "create")
    key = store.session_key or ""
    return {"length": len(key), "in Django's alphabet": set(key) <= set(VALID_KEY_CHARS)}


def cycle_key(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    store = store_cls(ALICE)
    mode.call(store, "get", "user")
    mode.call(store, "cycle_key")
    new_key = store.session_key
    return {
        "key changed": new_key != ALICE,
        "old row": stored_data(ALICE),
        "new row": stored_data(new_key) if new_key != ALICE else "the old one",
        "data": mode.call(store, "get", "user"),
    }


def clear_expired(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    stored(BOB, {"user": "bob"}, expires_in=-timedelta(seconds=1))
    mode.call(store_cls, "clear_expired")
    return {"live row": stored_data(ALICE), "expired row": stored_data(BOB)}


def key_collision_inside_a_transaction(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    with transaction.atomic():  # a request under ATOMIC_REQUESTS
        error = raised(mode, "save", lambda: mode.call(store_cls(ALICE), "save", must_create=True))
        try:
            Session.objects.count()
            usable = True
        except TransactionManagementError:
            usable = False
    return {"raised": error, "transaction usable after it": usable}


def other_tasks_run_during_load(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    store = store_cls(ALICE)

    def without_a_loop() -> None:
        store.load()

    async def beside_another_task() -> bool:
        ticks, loading = 0, True

        async def tick() -> None:
            nonlocal ticks
            while loading:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.ensure_future(tick())
        try:
            await store.aload()
            return ticks > 0
        finally:
            loading = False
            await ticker

    return mode.run(without_a_loop, beside_another_task)()


def hops_to_load(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    store = store_cls(ALICE)
    with count_hops() as hops:
        mode.call(store, "load")
    return hops.count


def stored_expiry_after_set_expiry(store_cls: Store, mode: Mode) -> object:
    store = store_cls()
    mode.call(store, "set_expiry", 300)
    mode.call(store, "save")
    expire_date = Session.objects.get(session_key=store.session_key).expire_date
    # Five minutes away, not SESSION_COOKIE_AGE's two weeks.
    return expire_date < timezone.now() + timedelta(hours=1)


def delete_of_a_key_without_a_row(store_cls: Store, mode: Mode) -> object:
    return raised(mode, "delete", lambda: mode.call(store_cls(), "delete", UNKNOWN))


def exists_of_an_expired_key(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"}, expires_in=-timedelta(seconds=1))
    return mode.call(store_cls(), "exists", ALICE)


def tampered_row(store_cls: Store, mode: Mode) -> object:
    Session.objects.create(
        session_key=ALICE, session_data="tampered", expire_date=timezone.now() + timedelta(hours=1)
    )
    store = store_cls(ALICE)
    return mode.capture("load", lambda: mode.call(store, "load")).key


def flush(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    store = store_cls(ALICE)
    mode.call(store, "get", "user")
    mode.call(store, "flush")
    return {"alice's row": stored_data(ALICE), "key": store.session_key}


def exists_in_another_case(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    return mode.call(store_cls(), "exists", ALICE.upper())


def short_key(store_cls: Store, mode: Mode) -> object:
    stored(SHORT, {"user": "alice"})
    store = store_cls(SHORT)
    return {"user": mode.call(store, "get", "user"), "key": store.session_key}


def read_what_django_wrote(store_cls: Store, mode: Mode) -> object:
    stored(ALICE, {"user": "alice"})
    return mode.call(store_cls(ALICE), "get", "user")


def two_sessions(store_cls: Store, mode: Mode) -> object:
    stored(BOB, {"user": "bob"})
    alices = store_cls()
    mode.call(alices, "__setitem__", "cart", ["book"])
    bobs = store_cls(BOB)
    return {"bob's cart": mode.call(bobs, "get", "cart"), "bob": mode.call(bobs, "get", "user")}


def save_without_reading(store_cls: Store, mode: Mode) -> object:
    # What SessionMiddleware does for a request that never touched the session, with
    # SESSION_SAVE_EVERY_REQUEST.
    stored(ALICE, {"user": "alice"})
    mode.call(store_cls(ALICE), "save")
    return stored_data(ALICE)


SCENARIOS: tuple[Scenario, ...] = (
    expired_session,
    unknown_key,
    must_create_on_a_taken_key,
    save_after_a_concurrent_logout,
    create,
    new_key,
    cycle_key,
    clear_expired,
    key_collision_inside_a_transaction,
    other_tasks_run_during_load,
    hops_to_load,
    stored_expiry_after_set_expiry,
    delete_of_a_key_without_a_row,
    exists_of_an_expired_key,
    tampered_row,
    flush,
    exists_in_another_case,
    short_key,
    read_what_django_wrote,
    two_sessions,
    save_without_reading,
)

BOTH = frozenset({SYNC, ASYNC})
ASYNC_ONLY = frozenset({ASYNC})

DEFECTS: dict[type, tuple[Scenario, frozenset[Mode]]] = {
    m.AsyncServesExpiredSessions: (expired_session, ASYNC_ONLY),
    m.AsyncMustCreateOverwrites: (must_create_on_a_taken_key, ASYNC_ONLY),
    m.AsyncSaveResurrectsDeletedSessions: (save_after_a_concurrent_logout, ASYNC_ONLY),
    m.AsyncCreateLeavesSessionUnmodified: (create, ASYNC_ONLY),
    m.AsyncKeepsUnknownKeys: (unknown_key, ASYNC_ONLY),
    m.AsyncDeleteIgnoresItsKey: (cycle_key, ASYNC_ONLY),
    m.AsyncKeysOutsideDjangosAlphabet: (new_key, ASYNC_ONLY),
    m.AsyncCreateErrorSwallowed: (must_create_on_a_taken_key, ASYNC_ONLY),
    m.AsyncClearExpiredDeletesLiveSessions: (clear_expired, ASYNC_ONLY),
    m.AsyncSaveOutsideAtomic: (key_collision_inside_a_transaction, ASYNC_ONLY),
    m.AsyncLoadBlocksTheLoop: (other_tasks_run_during_load, ASYNC_ONLY),
    m.AsyncLoadCostsTwoHops: (hops_to_load, ASYNC_ONLY),
    m.AsyncSaveIgnoresCustomExpiry: (stored_expiry_after_set_expiry, ASYNC_ONLY),
    m.AsyncDeleteOfAMissingRowRaises: (delete_of_a_key_without_a_row, ASYNC_ONLY),
    m.AsyncExistsSkipsExpiredRows: (exists_of_an_expired_key, ASYNC_ONLY),
    m.ExpiredSessionsServed: (expired_session, BOTH),
    m.TamperedDataRaises: (tampered_row, BOTH),
    m.FlushKeepsTheRow: (flush, BOTH),
    m.ExistsIgnoresCase: (exists_in_another_case, BOTH),
    m.CycleKeyKeepsTheKey: (cycle_key, BOTH),
    m.ShortKeysAccepted: (short_key, BOTH),
    m.RenamedStoreLosesSessions: (read_what_django_wrote, BOTH),
    m.SessionCacheOnTheClass: (two_sessions, BOTH),
    m.SaveWithoutReadWipesData: (save_without_reading, BOTH),
    m.LoadCreatesARow: (unknown_key, BOTH),
}
"""Each mutant, the scenario that shows its defect, and the modes the defect is in."""


def observe(scenario: Scenario, store_cls: Store, mode: Mode) -> object:
    """What ``scenario`` observes of ``store_cls`` in ``mode``; its rows are rolled back."""
    with transaction.atomic():
        try:
            return scenario(store_cls, mode)
        finally:
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _class_level_cache_emptied() -> Iterator[None]:
    yield
    m.SessionCacheOnTheClass._session_cache.clear()


def _name(value: object) -> str:
    return getattr(value, "__name__", str(value))


# -- the mutants are real defects, in the modes they claim ----------------------------------


@pytest.mark.parametrize("mutant", DEFECTS, ids=_name)
def test_each_mutant_differs_from_django_in_the_modes_it_names(
    mutant: Store, backend_mode: Mode
) -> None:
    scenario, modes = DEFECTS[mutant]
    seen = observe(scenario, mutant, backend_mode)
    django = observe(scenario, ORACLE, backend_mode)
    if backend_mode in modes:
        assert seen != django, f"{scenario.__name__}: {mutant.__doc__}"
    else:
        assert seen == django


@pytest.mark.parametrize("mutant", DEFECTS, ids=_name)
def test_each_docstring_names_the_modes_its_defect_is_in(mutant: Store) -> None:
    _, modes = DEFECTS[mutant]
    doc = " ".join((mutant.__doc__ or "").split())
    assert ("(async only)" in doc) == (modes == ASYNC_ONLY)
    assert ("both modes" in doc) == (modes == BOTH)


def test_every_mutant_has_a_scenario_and_only_one_defect_each() -> None:
    assert set(DEFECTS) == set(m.MUTANTS)
    assert len(m.MUTANTS) == len(set(m.MUTANTS))
    assert 20 <= len(m.MUTANTS) <= 30


# -- the controls are not --------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_name)
@pytest.mark.parametrize("control", m.CONTROLS, ids=_name)
def test_each_control_agrees_with_django(
    control: Store, scenario: Scenario, backend_mode: Mode
) -> None:
    assert observe(scenario, control, backend_mode) == observe(scenario, ORACLE, backend_mode)


# -- what the contract must find by behaviour ------------------------------------------------


@pytest.mark.parametrize("store", [*m.CONTROLS, *m.MUTANTS], ids=_name)
def test_no_store_shows_a_hazard_describe_can_see(store: Store) -> None:
    # Every pair has both sides in one class or in Django's: only what the stores do
    # tells the mutants from the controls.
    assert describe(store).hazards == ()


@pytest.mark.parametrize("store", [*m.CONTROLS, *m.MUTANTS], ids=_name)
def test_every_store_but_the_renamed_one_keeps_djangos_key_salt(store: Store) -> None:
    keeps_it = store().key_salt == ORACLE().key_salt
    assert keeps_it == (store is not m.RenamedStoreLosesSessions)


# -- the bench script's own logic ------------------------------------------------------------


def test_the_bench_lists_every_mutant_and_control_by_an_importable_path() -> None:
    from django.utils.module_loading import import_string

    mutants, controls = strength.mutants_and_controls()
    assert [import_string(path) for path in mutants] == list(m.MUTANTS)
    assert [import_string(path) for path in controls] == list(m.CONTROLS)


def test_the_bench_runs_the_check_command_with_the_options_given() -> None:
    command = strength.check_command(["a.Store", "b.Store"], settings="tests.settings")
    assert command[1:] == [
        "-m",
        "auth_backend_sdk",
        "check",
        "a.Store",
        "b.Store",
        "--json",
        "--settings",
        "tests.settings",
    ]
    assert "--contract" in strength.check_command(["a.Store"], contract="bench.contracts")


def _report(*failed: str, passed: tuple[str, ...] = ("round_trip",)) -> dict[str, Any]:
    checks = [{"check": name, "status": "failed"} for name in failed]
    checks += [{"check": name, "status": "passed"} for name in passed]
    return {"checks": checks, "seconds": 1.0}


def test_checks_django_fails_count_against_no_store() -> None:
    reports = {
        strength.ORACLE: _report("two_concurrent_requests"),
        "bench.session_mutants.Control": _report("two_concurrent_requests"),
        "bench.session_mutants.Caught": _report("two_concurrent_requests", "expiry"),
        "bench.session_mutants.Missed": _report("two_concurrent_requests"),
    }
    rows = strength.verdicts(
        reports,
        mutants=["bench.session_mutants.Caught", "bench.session_mutants.Missed"],
        controls=["bench.session_mutants.Control"],
    )
    assert [(r["store"], r["verdict"], r["failed_checks"]) for r in rows] == [
        ("Control", "passes", []),
        ("Caught", "caught", ["expiry"]),
        ("Missed", "MISSED", []),
    ]


def test_a_control_failing_a_check_django_passes_fails() -> None:
    reports = {strength.ORACLE: _report(), "bench.session_mutants.Control": _report("flush")}
    (row,) = strength.verdicts(reports, mutants=[], controls=["bench.session_mutants.Control"])
    assert (row["verdict"], row["ok"], row["failed_checks"]) == ("FAILS", False, ["flush"])
