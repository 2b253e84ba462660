"""Each check of the session-store contract can fail: a store of ``broken.py`` it catches.

Each test runs one check (through the same runner as the ``check`` command,
with the contract the session family runs by default) against a store with
one defect, and expects exactly that check's tests to fail: both modes where
the defect is in both, the async one where only the async side is wrong.
The subclass checks are caught on Django's own stores too
(``test_django_engines.py``: strict expected failures).
"""

from __future__ import annotations

from types import ModuleType

import pytest

from auth_backend_sdk.sessions.contract import SessionStoreContract
from auth_backend_sdk.testing._runner import BackendReport, run_contracts

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN = "tests.sessions.contract.broken"

CATCHES: list[tuple[str, str, tuple[str, ...]]] = [
    ("LoadOverriddenUnadapted", "each_pair_follows_one_definition", ("",)),
    ("DropsNoneValues", "saved_data_loads_on_its_key", ("sync", "async")),
    ("AdoptsClientKeys", "first_save_makes_a_new_key", ("sync", "async")),
    ("MixedCaseKeys", "first_save_makes_a_new_key", ("sync", "async")),
    ("DeleteRaisesWhenMissing", "deleting_a_missing_session_is_quiet", ("sync", "async")),
    ("ExistsOnlyForLiveSessions", "exists_answers_for_what_is_stored", ("sync", "async")),
    ("ExistsIgnoresCase", "exists_answers_for_what_is_stored", ("sync", "async")),
    ("CreatesOnMiss", "loading_an_unknown_key_stores_nothing", ("sync", "async")),
    ("RenamedSessionStore", "sessions_of_the_extended_store_stay_readable", ("sync", "async")),
    ("OverwritesOnCreate", "must_create_refuses_a_key_in_use", ("sync", "async")),
    ("CycleKeepsTheOldKey", "cycle_key_keeps_the_data_under_a_new_key", ("sync", "async")),
    ("FlushForgetsWithoutDeleting", "flush_empties_and_deletes", ("sync", "async")),
    ("AcceptsShortKeys", "invalid_keys_start_a_new_session", ("sync", "async")),
    ("ZeroExpiryIsNoExpiry", "expiry_follows_set_expiry", ("sync", "async")),
    ("ServesExpiredSessions", "expired_sessions_load_empty", ("sync", "async")),
    ("ClearsSessionsNearExpiry", "clear_expired_removes_only_expired_sessions", ("sync", "async")),
    ("SilentAboutCorruption", "tampered_data_loads_empty_and_is_logged", ("sync", "async")),
    ("LoadBypassed", "subclass_overriding_load_is_followed", ("sync", "async")),
    ("LoadOverriddenUnadapted", "subclass_overriding_load_is_followed", ("async",)),
    ("LoadOverriddenUnadapted", "subclass_overriding_save_is_followed", ("async",)),
    ("LoadOverriddenUnadapted", "subclass_overriding_setitem_is_followed", ("async",)),
    ("SharesNewSessions", "sessions_never_see_each_other", ("sync", "async")),
    ("SharesNewSessions", "concurrent_sessions_stay_apart", ("async",)),
    ("MergesOnSave", "overlapping_requests_last_write_wins", ("sync", "async")),
    ("AsyncSaveDeletesThenInserts", "concurrent_requests_keep_one_whole_session", ("async",)),
    ("RevivesDeletedSessions", "saving_a_session_deleted_meanwhile_is_refused", ("sync", "async")),
    ("PrefixMatchesKeys", "tampered_keys_load_nothing", ("sync", "async")),
    ("AsciiOnlyKeys", "wrongly_shaped_keys_are_refused", ("sync", "async")),
    ("TruncatesLargeSessions", "huge_values_round_trip", ("sync", "async")),
    ("ReplacesByDeleteThenInsert", "unserializable_values_fail_at_save", ("sync", "async")),
    ("BlocksTheLoopOnLoad", "async_methods_leave_the_event_loop_running", ("async",)),
    ("QueriesOnTheLoop", "async_methods_leave_the_event_loop_running", ("async",)),
    ("HopsForEachGet", "thread_hops_of_session_methods", ("async",)),
    ("HopsTwiceOnExists", "thread_hops_of_session_methods", ("async",)),
    ("PopLeavesTheKey", "session_parity", ("",)),
    ("AsyncRowIgnoresCustomExpiry", "session_parity", ("",)),
]
"""(store in broken.py, the check that catches it, the modes it fails in; "" for a check
comparing both modes itself)."""


def run(store: str, *checks: str) -> BackendReport:
    (report,) = run_contracts([f"{BROKEN}.{store}"], only=checks)
    return report


def failures(report: BackendReport) -> dict[str, str]:
    return {r.test: r.detail for r in report.results if r.counts_as_failure}


def test_every_check_is_caught_failing_somewhere() -> None:
    caught = {check for _, check, _ in CATCHES}
    assert caught == set(SessionStoreContract.__contract_checks__) - {
        "extra_data_is_recorded_alike"  # a real package fails it: test_third_party_stores.py
    }


@pytest.mark.parametrize(
    ("store", "check", "modes"), CATCHES, ids=[f"{s}-{c}" for s, c, _ in CATCHES]
)
def test_the_check_catches_the_broken_store(store: str, check: str, modes: tuple[str, ...]) -> None:
    report = run(store, check)
    expected = {f"test_{check}_{mode}" if mode else f"test_{check}" for mode in modes}
    assert set(failures(report)) == expected, report.results
    for detail in failures(report).values():
        assert detail  # says what diverged


def test_the_failure_names_the_method_the_mode_and_the_values() -> None:
    failed = failures(run("PopLeavesTheKey", "session_parity"))
    detail = failed["test_session_parity"]
    assert "answered what a dict would not" in detail or "would not hold" in detail
    assert "session.pop(" in detail


def test_a_blocking_async_load_is_measured_and_named() -> None:
    report = run("BlocksTheLoopOnLoad", "async_methods_leave_the_event_loop_running")
    (detail,) = failures(report).values()
    assert "aget (a session not loaded):" in detail
    assert report.measurements.stalls_ms["aget (a session not loaded)"] > 50


def test_the_orm_on_the_loop_is_named() -> None:
    report = run("QueriesOnTheLoop", "async_methods_leave_the_event_loop_running")
    (detail,) = failures(report).values()
    assert "aexists: SynchronousOnlyOperation" in detail


def test_hops_are_reported_and_judged() -> None:
    report = run("HopsForEachGet", "thread_hops_of_session_methods")
    (detail,) = failures(report).values()
    assert "aget (a loaded session): 1 hops, budget 0" in detail
    assert report.measurements.hops["aget (a loaded session)"] == 1


def test_an_io_call_is_held_to_the_queries_of_its_sync_twin() -> None:
    report = run("HopsTwiceOnExists", "thread_hops_of_session_methods")
    (detail,) = failures(report).values()
    assert "aexists: 2 hops, budget 1" in detail
    assert report.measurements.hops["aexists"] == 2


def test_hop_budgets_still_override_the_default() -> None:
    module = ModuleType("lenient_contract")

    class Lenient(SessionStoreContract):
        session_store = f"{BROKEN}.HopsTwiceOnExists"
        # aexists hops twice, and create() (cycle_key() too) asks exists() for a new key.
        hop_budgets = {"aexists": 2, "asave (a new session)": 3, "acreate": 3, "acycle_key": 5}

    Lenient.__module__ = module.__name__
    module.Lenient = Lenient  # type: ignore[attr-defined]
    (report,) = run_contracts(
        [f"{BROKEN}.HopsTwiceOnExists"],
        contract_module=module,
        only=["thread_hops_of_session_methods"],
    )
    assert report.results
    assert not failures(report), report.results


def test_a_misspelt_hop_budget_fails_rather_than_holding_nothing() -> None:
    module = ModuleType("misspelt_contract")

    class Misspelt(SessionStoreContract):
        session_store = "django.contrib.sessions.backends.db.SessionStore"
        hop_budgets = {"aexist": 2}

    Misspelt.__module__ = module.__name__
    module.Misspelt = Misspelt  # type: ignore[attr-defined]
    (report,) = run_contracts(
        ["django.contrib.sessions.backends.db.SessionStore"],
        contract_module=module,
        only=["thread_hops_of_session_methods"],
    )
    (detail,) = failures(report).values()
    assert "hop_budgets names calls this check does not make" in detail
    assert "unknown: aexist" in detail


def test_a_renamed_store_names_both_key_salts() -> None:
    report = run("RenamedSessionStore", "sessions_of_the_extended_store_stay_readable")
    detail = next(iter(failures(report).values()))
    assert "'django.contrib.sessions.SessionStore', then" in detail
    assert "'django.contrib.sessions.RenamedSessionStore'" in detail
