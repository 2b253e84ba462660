"""Django's five session engines, as shipped and adapted, and what the contract expects of each.

Each expected failure names the Django behaviour behind it. The subclass
failures are the hazard of issue 13 and go once adapted; the others are
Django's, the same in both modes, and stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.sessions.backends import cache, cached_db, db, file, signed_cookies
from django.db import connection

from auth_backend_sdk import dual_mode
from auth_backend_sdk.testing import SessionStoreContract
from tests.sessions.contract.file_storage import own_session_directory

ENGINES = {
    "db": db.SessionStore,
    "cache": cache.SessionStore,
    "cached_db": cached_db.SessionStore,
    "file": file.SessionStore,
    "signed_cookies": signed_cookies.SessionStore,
}
ADAPTED = {name: dual_mode(store) for name, store in ENGINES.items()}

SUBCLASS_LOAD = (
    "Django's {engine} store writes aload() apart from load(): a subclass overriding only "
    "load() (refusing a hijacked session) is bypassed by aget(), which serves the session."
)
SUBCLASS_SAVE = (
    "Django's {engine} store writes asave() apart from save(): a subclass overriding only "
    "save() is bypassed by asave(), which stores the session without what save() adds."
)
SUBCLASS_SETITEM = (
    "SessionBase.aset() writes into the loaded session itself: a subclass overriding only "
    "__setitem__ is bypassed by aset() (django-user-sessions loses its user this way)."
)
COOKIE_NOT_LOGGED = (
    "Django's signed_cookies load() turns a bad signature into an empty session without "
    "logging it: it does not go through SessionBase.decode()."
)
COOKIE_EXPIRY = (
    "Django's signed_cookies load() checks the cookie's age against SESSION_COOKIE_AGE only, "
    "not an expiry set with set_expiry() (ticket #19201): a session past it still loads."
)
CACHE_CALLS_ARE_BRIDGES = (
    "Django's {engine} store awaits the cache's async methods (ahas_key(), aadd(), aset(), "
    "adelete()), which BaseCache runs as sync_to_async bridges: a thread hop per cache call, "
    "where the sync twin makes {queries}."
)
FILE_REFUSES_OTHER_CASE = (
    "Django's file store maps a key to a file name only for VALID_KEY_CHARS (lower case and "
    "digits): exists() of an upper-cased key raises InvalidSessionKey (a SuspiciousOperation) "
    "where the db store answers False."
)
NUL_ON_POSTGRESQL = (
    "{store} queries the database with the key as the cookie gives it; PostgreSQL refuses a "
    "NUL byte (a quoted cookie can carry one, as \\000): DataError escapes load()."
)


def _both(test: str, reason: str) -> dict[str, str]:
    return {f"{test}_sync": reason, f"{test}_async": reason}


def djangos_own(engine: str) -> dict[str, str]:
    """Failures of Django's ``engine`` that are the same in both modes: adapting keeps them."""
    failures: dict[str, str] = {}
    if engine == "signed_cookies":
        failures |= _both("test_tampered_data_loads_empty_and_is_logged", COOKIE_NOT_LOGGED)
        failures |= _both("test_expired_sessions_load_empty", COOKIE_EXPIRY)
    if engine == "file":
        failures |= _both("test_exists_answers_for_what_is_stored", FILE_REFUSES_OTHER_CASE)
    if engine in ("db", "cached_db"):
        failures |= nul_keys_on_postgresql(f"Django's {engine} store")
    if engine in ("cache", "cached_db"):
        queries = "no database query" if engine == "cache" else "fewer database queries"
        failures["test_thread_hops_of_session_methods_async"] = CACHE_CALLS_ARE_BRIDGES.format(
            engine=engine, queries=queries
        )
    return failures


def nul_keys_on_postgresql(store: str) -> dict[str, str]:
    """The failure of a database store on PostgreSQL, for a key with a NUL byte."""
    if connection.vendor != "postgresql":
        return {}
    return _both("test_wrongly_shaped_keys_are_refused", NUL_ON_POSTGRESQL.format(store=store))


def as_shipped(engine: str) -> dict[str, str]:
    """Every failure of Django's ``engine`` unadapted: the subclass hazard, then its own."""
    failures = {"test_subclass_overriding_setitem_is_followed_async": SUBCLASS_SETITEM}
    if engine in ("db", "cache", "cached_db"):
        failures["test_subclass_overriding_load_is_followed_async"] = SUBCLASS_LOAD.format(
            engine=engine
        )
        failures["test_subclass_overriding_save_is_followed_async"] = SUBCLASS_SAVE.format(
            engine=engine
        )
    return failures | djangos_own(engine)


class EngineContract(SessionStoreContract):
    """The contract, with the file store's sessions in a directory of the test run's own."""

    hypothesis_examples = 15

    @contextmanager
    def checking(self) -> Iterator[None]:
        with super().checking(), own_session_directory(self.store_class):
            yield
