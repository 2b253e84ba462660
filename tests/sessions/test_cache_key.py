"""``cache_key`` (a property of the cache stores) and ``acache_key`` are a pair: a store filing
sessions under keys of its own must write both, and is told so."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends import cache

from auth_backend_sdk import describe, dual_mode
from auth_backend_sdk.engine.description import Hazard
from auth_backend_sdk.sessions import DualModeSessionMixin
from auth_backend_sdk.testing import Mode

TENANT = "tenant-7:"


class TenantStore(cache.SessionStore):
    """Files each session under a tenant's prefix (sync side only)."""

    @property
    def cache_key(self) -> str:
        return TENANT + super().cache_key


class SessionStore(DualModeSessionMixin, cache.SessionStore):
    """The same, with both sides written."""

    @property
    def cache_key(self) -> str:
        return TENANT + super().cache_key

    async def acache_key(self) -> str:
        return TENANT + await super().acache_key()


def saved_then_read(mode: Mode, store_class: type[cache.SessionStore]) -> Any:
    """Save a session in ``mode`` with ``store_class``, then read it back in sync."""
    store = store_class()
    mode.call(store, "__setitem__", "colour", "green")
    mode.call(store, "save")
    return store_class(store.session_key).get("colour")


def test_an_unwrapped_cache_key_override_is_shadowed_in_async(backend_mode: Mode) -> None:
    found = saved_then_read(backend_mode, TenantStore)
    # The async side files the session under Django's key: the tenant's store cannot find it.
    assert found == ("green" if backend_mode is Mode.SYNC else None)
    assert describe(TenantStore).pair("cache_key").hazard is Hazard.ASYNC_SHADOWED


def test_dual_mode_asks_for_the_async_side_it_cannot_derive_from_a_property() -> None:
    with pytest.raises(TypeError, match=r"cannot derive acache_key\(\) .* it is a property"):
        dual_mode(TenantStore)


def test_a_store_writing_both_sides_files_sessions_alike(backend_mode: Mode) -> None:
    assert saved_then_read(backend_mode, SessionStore) == "green"
    assert describe(SessionStore).hazards == ()
