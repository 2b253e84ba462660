"""The session family: the pairs of a Django session store, declared once.

Everything that knows session stores (the engine's resolution, ``describe()``,
``dual_mode()``, the system checks over ``SESSION_ENGINE``, the contract suite,
the ``check`` command and the mypy plugin) learns them from :data:`SESSIONS`.

Django's ``SessionBase`` gives every async method a default. The I/O ones
(``aload``, ``asave``, ...) are bridges to the sync twin through ``self``;
the rest (``aget``, ``aset``, ``acycle_key``, ``_aget_session``, ...) are
composites over ``_aget_session()``, ``aload()`` and the other async methods,
which bypass a sync override of their twin. Neither counts as a native
definition; where ``SessionBase`` itself decides a pair (nothing below it
overrides either side) its default is kept, so an unmodified pair costs what it
costs in Django. Django's store modules write both sides of their own I/O
methods, and are trusted to keep them in parity.

The upper API (``__setitem__``, ``get``, ``pop``, ``get_expiry_date``, ...)
only touches the loaded session: its async side is derived as "load the
session asynchronously, then run the sync method on the event loop", with no
thread hop. This module imports nothing from ``django.contrib``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType

from ..engine import Family, ForeignDefault, MethodPair, Preparation, declare_family

__all__ = [
    "DJANGO_SESSION_MODULES",
    "SESSIONS",
    "SESSION_BASE_MODULE",
    "SESSION_CACHE_KEY_PAIRS",
    "SESSION_IO_PAIRS",
    "SESSION_PAIRS",
    "SESSION_PRIVATE_PAIRS",
    "SESSION_STORE_HOOK_PAIRS",
    "SESSION_UPPER_PAIRS",
]

SESSION_BASE_MODULE = "django.contrib.sessions.backends.base"
_DB_MODULE = "django.contrib.sessions.backends.db"

DJANGO_SESSION_MODULES: tuple[str, ...] = (
    SESSION_BASE_MODULE,
    _DB_MODULE,
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
    "django.contrib.sessions.backends.file",
    "django.contrib.sessions.backends.signed_cookies",
)
"""Django's session store modules, which keep their own sync and async definitions in parity."""

SESSION_IO_PAIRS: tuple[MethodPair, ...] = (
    MethodPair("load", "aload"),
    MethodPair("exists", "aexists"),
    MethodPair("create", "acreate"),
    MethodPair("save", "asave"),
    MethodPair("delete", "adelete"),
    MethodPair("clear_expired", "aclear_expired"),
    MethodPair("flush", "aflush"),
    MethodPair("cycle_key", "acycle_key"),
)
"""Pairs that reach the store: every store implements the first five (``clear_expired``
is a classmethod)."""

SESSION_STORE_HOOK_PAIRS: tuple[MethodPair, ...] = (
    MethodPair("_get_session_from_db", "_aget_session_from_db"),
    MethodPair("create_model_instance", "acreate_model_instance"),
)
"""Hooks Django's database store calls on ``self``, documented for overriding."""

SESSION_CACHE_KEY_PAIRS: tuple[MethodPair, ...] = (MethodPair("cache_key", "acache_key"),)
"""The key the cache and cached_db stores file a session under: a property, and its async
method. No side can be derived from a property: a store overriding ``cache_key`` defines
``acache_key`` too."""

SESSION_UPPER_PAIRS: tuple[MethodPair, ...] = (
    MethodPair("__setitem__", "aset"),
    MethodPair("get", "aget"),
    MethodPair("pop", "apop"),
    MethodPair("setdefault", "asetdefault"),
    MethodPair("update", "aupdate"),
    MethodPair("has_key", "ahas_key"),
    MethodPair("keys", "akeys"),
    MethodPair("values", "avalues"),
    MethodPair("items", "aitems"),
    MethodPair("set_test_cookie", "aset_test_cookie"),
    MethodPair("test_cookie_worked", "atest_cookie_worked"),
    MethodPair("delete_test_cookie", "adelete_test_cookie"),
    MethodPair("get_expiry_age", "aget_expiry_age"),
    MethodPair("get_expiry_date", "aget_expiry_date"),
    MethodPair("set_expiry", "aset_expiry"),
    MethodPair("get_expire_at_browser_close", "aget_expire_at_browser_close"),
)
"""The dictionary-like API over the loaded session: no I/O once it is loaded."""

SESSION_PRIVATE_PAIRS: tuple[MethodPair, ...] = (
    MethodPair("_get_session", "_aget_session"),
    MethodPair("_get_new_session_key", "_aget_new_session_key"),
    MethodPair("_get_or_create_session_key", "_aget_or_create_session_key"),
)
"""Private pairs ``SessionBase`` and the stores call, which stores override too."""

SESSION_PAIRS: tuple[MethodPair, ...] = (
    *SESSION_IO_PAIRS,
    *SESSION_STORE_HOOK_PAIRS,
    *SESSION_CACHE_KEY_PAIRS,
    *SESSION_UPPER_PAIRS,
    *SESSION_PRIVATE_PAIRS,
)
"""Every pair of a session store."""

_LOADS_THE_SESSION = Preparation("_aget_session")
# get_expiry_age(expiry=...) and get_expiry_date(expiry=...) must not load the
# session: the cached_db and file stores call them from inside load().
_LOADS_UNLESS_EXPIRY_GIVEN = Preparation("_aget_session", unless_given=("expiry",))

_PREPARED = {
    **{pair.sync_name: _LOADS_THE_SESSION for pair in SESSION_UPPER_PAIRS},
    "get_expiry_age": _LOADS_UNLESS_EXPIRY_GIVEN,
    "get_expiry_date": _LOADS_UNLESS_EXPIRY_GIVEN,
}

_COMPOSED_OF: dict[str, str] = {
    "aflush": "clear() + adelete()",
    "acycle_key": "_aget_session() + acreate() + adelete()",
    "_aget_session": "aload()",
    "_aget_new_session_key": "aexists()",
    "_aget_or_create_session_key": "_aget_new_session_key()",
    "aset_test_cookie": "aset()",
    "atest_cookie_worked": "aget()",
    "aset_expiry": "aset() and apop()",
    "asetdefault": "_aget_session() and aset()",
    "aget_expiry_age": "aget()",
    "aget_expiry_date": "aget()",
    "aget_expire_at_browser_close": "aget()",
}


def _django_defaults(module: ModuleType) -> Iterator[ForeignDefault]:
    namespace = module.SessionBase.__dict__
    for pair in SESSION_PAIRS:
        default = namespace.get(pair.async_name)
        if default is None:
            continue
        if pair in SESSION_IO_PAIRS and pair.async_name not in _COMPOSED_OF:
            yield ForeignDefault(default, True, f"{pair.sync_name}()", "Django", kept=True)
        else:
            via = _COMPOSED_OF.get(pair.async_name, "_aget_session()")
            yield ForeignDefault(default, False, via, "Django", kept=True)


def _is_session_store(cls: type) -> bool:
    # No class can subclass SessionBase before its module is imported.
    base = sys.modules.get(SESSION_BASE_MODULE)
    return base is not None and isinstance(cls, type) and issubclass(cls, base.SessionBase)


SESSIONS = declare_family(
    Family(
        name="session store",
        pairs=SESSION_PAIRS,
        mixin="auth_backend_sdk.sessions.mixin.DualModeSessionMixin",
        system_checks="auth_backend_sdk.sessions.system_checks.register_checks",
        default_contracts="auth_backend_sdk.sessions.contract.default_contracts",
        library_defaults={SESSION_BASE_MODULE: _django_defaults},
        trusted_modules=DJANGO_SESSION_MODULES,
        hooks={pair.sync_name: f"{_DB_MODULE}.SessionStore" for pair in SESSION_STORE_HOOK_PAIRS},
        is_member=_is_session_store,
        module_class="SessionStore",
        prepared=_PREPARED,
    )
)
"""Django session stores (the ``SessionStore`` of ``SESSION_ENGINE``)."""
