"""``describe()`` on session stores: Django's database store, and django-user-sessions' store
as shipped (its ``__setitem__``, which records the user, is bypassed by ``aset``) and adapted.

The rows are compared whole: pair, sync side, async side, verdict, as the table prints them.
"""

from __future__ import annotations

import importlib

from django.contrib.sessions.backends import db

from auth_backend_sdk import describe, dual_mode
from auth_backend_sdk.engine.description import BackendDescription, Hazard
from auth_backend_sdk.sessions.family import SESSIONS

Row = tuple[str, str, str, str]

USER_SESSIONS = "user_sessions.backends.db"
"""A ``SESSION_ENGINE`` module: ``describe()`` and ``dual_mode()`` take its ``SessionStore``."""

DJANGO_DEFAULT = "Django default in SessionBase"
IO = ("load", "exists", "create", "save", "delete", "clear_expired")
DB_HOOKS = ("_get_session_from_db", "create_model_instance")
SESSION_BASE_DECIDES = (
    "flush",
    "cycle_key",
    "__setitem__",
    "get",
    "pop",
    "setdefault",
    "update",
    "has_key",
    "keys",
    "values",
    "items",
    "set_test_cookie",
    "test_cookie_worked",
    "delete_test_cookie",
    "get_expiry_age",
    "get_expiry_date",
    "set_expiry",
    "get_expire_at_browser_close",
    "_get_session",
    "_get_new_session_key",
    "_get_or_create_session_key",
)
"""Pairs neither store overrides a side of (but user-sessions' ``__setitem__``): Django's
``SessionBase`` decides them, and its async composite is kept."""


def rows(described: BackendDescription) -> dict[str, Row]:
    """The table's rows, by pair, without the absent pairs."""
    return {
        p.pair.sync_name: (p.pair.sync_name, str(p.sync), str(p.async_), p.verdict)
        for p in described.pairs
        if not p.absent
    }


def kept(name: str) -> Row:
    return (name, "native in SessionBase", DJANGO_DEFAULT, "ok")


def djangos_database_store_rows() -> dict[str, Row]:
    both = ("native in SessionStore", "native in SessionStore", "ok")
    own = {name: (name, *both) for name in (*IO, *DB_HOOKS)}
    return own | {name: kept(name) for name in SESSION_BASE_DECIDES}


def test_djangos_database_store_writes_both_sides_of_its_io_and_has_no_hazard() -> None:
    described = describe(db.SessionStore)
    assert [p.pair for p in described.pairs] == list(SESSIONS.pairs)
    assert rows(described) == djangos_database_store_rows()
    assert described.hazards == ()
    assert not described.is_dual_mode
    assert described.table().splitlines()[0] == (
        "django.contrib.sessions.backends.db.SessionStore (not dual-mode)"
    )
    # A database store files no session in a cache.
    assert described.table().splitlines()[-1] == "  absent: cache_key"


def test_djangos_database_store_adapted_keeps_every_side_as_django_wrote_it() -> None:
    described = describe(dual_mode(db.SessionStore))
    assert rows(described) == djangos_database_store_rows()
    assert described.is_dual_mode


def test_user_sessions_as_shipped_shadows_its_setitem_in_async() -> None:
    described = describe(USER_SESSIONS)
    # Its I/O methods are sync only: SessionBase's bridges call them through self.
    bridges = {name: (name, "native in SessionStore", DJANGO_DEFAULT, "ok") for name in IO}
    setitem = ("__setitem__", "native in SessionStore", DJANGO_DEFAULT, "async-shadowed")
    assert rows(described) == (
        bridges | {name: kept(name) for name in SESSION_BASE_DECIDES} | {"__setitem__": setitem}
    )
    (hazard,) = described.hazards
    assert (hazard.pair.sync_name, hazard.hazard) == ("__setitem__", Hazard.ASYNC_SHADOWED)
    # Not a subclass of Django's database store: the db hooks are not its pairs.
    assert described.table().splitlines()[-1] == (
        "  absent: _get_session_from_db, create_model_instance, cache_key"
    )


def test_user_sessions_adapted_derives_each_async_side_from_its_own_method() -> None:
    described = describe(dual_mode(USER_SESSIONS))
    derived_io = {
        name: (name, "native in SessionStore", f"derived from SessionStore.{name}", "ok")
        for name in IO
    }
    setitem = (
        "__setitem__",
        "native in SessionStore",
        "derived from SessionStore.__setitem__ on the loop after _aget_session()",
        "ok",
    )
    assert rows(described) == (
        derived_io | {name: kept(name) for name in SESSION_BASE_DECIDES} | {"__setitem__": setitem}
    )
    assert described.hazards == ()
    assert described.is_dual_mode
    assert described.table().splitlines()[0] == f"{__name__}.SessionStore (dual-mode)"


# The key stores of docs/examples/key_stores.py recognise members by method names, and pair
# __setitem__, which every session store has: the session family's own membership test wins.


def test_a_session_store_is_one_beside_a_family_recognised_by_method_names() -> None:
    importlib.import_module("docs.examples.key_stores")
    assert describe("django.contrib.sessions.backends.db").backend is db.SessionStore
    assert describe(dual_mode(USER_SESSIONS)).hazards == ()
