"""How a session contract class is written: the store it names, its capabilities, its hooks.

And how the ``check`` command finds it: the session family names
``default_contracts``, which gives the session-store contract for any store.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends import cache, cached_db, db, file, signed_cookies
from django.utils.module_loading import import_string

from auth_backend_sdk import dual_mode
from auth_backend_sdk.sessions.contract import SessionStoreContract, default_contracts
from auth_backend_sdk.sessions.family import SESSIONS
from auth_backend_sdk.testing import (
    SessionCapability,
    explain_session_capabilities,
    infer_session_capabilities,
)
from auth_backend_sdk.testing._runner import run_contracts

SERVER_SIDE = SessionCapability.SERVER_SIDE
COOKIE_BASED = SessionCapability.COOKIE_BASED
CLEAR_EXPIRED = SessionCapability.CLEAR_EXPIRED
ENCODED_DATA = SessionCapability.ENCODED_DATA
EXTRA_DATA = SessionCapability.EXTRA_DATA


def test_the_session_family_names_its_default_contracts() -> None:
    choose = import_string(SESSIONS.default_contracts)
    assert choose is default_contracts
    assert choose(db.SessionStore) == [SessionStoreContract]


def test_the_contract_is_public_with_the_harness() -> None:
    import auth_backend_sdk.testing as testing

    assert testing.SessionStoreContract is SessionStoreContract
    assert {"SessionStoreContract", "SessionCapability", "SessionContractHooks"} <= set(
        testing.__all__
    )


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        (db.SessionStore, {SERVER_SIDE, CLEAR_EXPIRED, ENCODED_DATA}),
        (cache.SessionStore, {SERVER_SIDE, CLEAR_EXPIRED}),
        (cached_db.SessionStore, {SERVER_SIDE, CLEAR_EXPIRED, ENCODED_DATA}),
        (file.SessionStore, {SERVER_SIDE, CLEAR_EXPIRED, ENCODED_DATA}),
        (signed_cookies.SessionStore, {COOKIE_BASED, CLEAR_EXPIRED, ENCODED_DATA}),
        (
            "qsessions.backends.db.SessionStore",
            {SERVER_SIDE, CLEAR_EXPIRED, ENCODED_DATA, EXTRA_DATA},
        ),
        ("user_sessions.backends.db.SessionStore", {SERVER_SIDE, CLEAR_EXPIRED}),
    ],
    ids=["db", "cache", "cached_db", "file", "signed_cookies", "qsessions", "user_sessions"],
)
def test_capabilities_are_read_off_the_store(
    store: type | str, expected: set[SessionCapability]
) -> None:
    cls = import_string(store) if isinstance(store, str) else store
    assert infer_session_capabilities(cls) == expected
    assert infer_session_capabilities(dual_mode(cls)) == expected


def test_each_inference_says_why() -> None:
    reasons = [
        i.reason
        for i in explain_session_capabilities(import_string("qsessions.backends.db.SessionStore"))
    ]
    assert reasons == [
        "exists() asks the table of qsessions.Session",
        "it keeps encode()'s signed string in qsessions.Session.session_data",
        "it defines clear_expired()",
        "qsessions.Session has columns of its own: user, user_agent, created_at, updated_at, ip",
    ]


def test_session_store_and_backend_name_the_same_store() -> None:
    class Named(SessionStoreContract):
        session_store = "django.contrib.sessions.backends.cache"

    class NamedAsTheCommandDoes(SessionStoreContract):
        backend = "django.contrib.sessions.backends.cache"

    for contract in (Named, NamedAsTheCommandDoes):
        assert contract.backend == contract.session_store
        assert contract.load_backend_class() is cache.SessionStore


def test_a_contract_without_a_store_says_so() -> None:
    class Nameless(SessionStoreContract):
        pass

    with pytest.raises(TypeError, match="must set `session_store` to a session store class"):
        Nameless.load_backend_class()


def test_expected_failures_must_name_real_tests() -> None:
    with pytest.raises(TypeError, match="expected_failures names no contract test: test_typo"):

        class Misspelt(SessionStoreContract):
            session_store = "django.contrib.sessions.backends.db"
            expected_failures = {"test_typo": "no such test"}


@pytest.mark.django_db(transaction=True)
def test_a_store_kept_elsewhere_is_not_run_where_a_hook_is_needed() -> None:
    (report,) = run_contracts(
        ["user_sessions.backends.db.SessionStore"],
        only=["session_parity", "unserializable_values_fail_at_save", "flush_empties_and_deletes"],
    )
    status = {r.test: r.status for r in report.results}
    assert status == {
        "test_session_parity": "not run",
        "test_unserializable_values_fail_at_save_sync": "not run",
        "test_unserializable_values_fail_at_save_async": "not run",
        "test_flush_empties_and_deletes_sync": "passed",
        "test_flush_empties_and_deletes_async": "passed",
    }
    assert set(report.missing_hooks()) == {"stored_entry()"}
    assert not report.complete


@pytest.mark.django_db(transaction=True)
def test_the_check_command_runs_the_contract_on_an_engine_module() -> None:
    (report,) = run_contracts(
        ["django.contrib.sessions.backends.signed_cookies"],
        only=["must_create_refuses_a_key_in_use", "saved_data_loads_on_its_key"],
    )
    assert report.capabilities_inferred
    status = {r.test: (r.status, r.detail) for r in report.results}
    assert status["test_saved_data_loads_on_its_key_async"] == ("passed", "")
    assert status["test_must_create_refuses_a_key_in_use_sync"] == (
        "skipped",
        "needs server-side storage, which SessionStore does not declare",
    )
