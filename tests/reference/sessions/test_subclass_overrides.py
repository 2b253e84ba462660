"""A subclass's override of a sync method is honoured by the async API, at the same cost.

``load()`` refusing a session is followed by ``aget()``; ``create_model_instance()``
filling a column of its own (django-qsessions' way) is followed by ``asave()``,
``acreate()`` and ``acycle_key()``. Each async call still costs one thread hop.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import SESSION_KEY

from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.testing import Mode
from tests.reference.sessions.stores import Store, seed
from tests.reference.sessions.subclasses import (
    ASYNC_OVERRIDES,
    REVOKED,
    AccountCachedDbStore,
    AccountDbStore,
    RevokingCachedDbStore,
    RevokingDbStore,
)
from tests.testapp.models import AccountSession

pytestmark = pytest.mark.django_db

REVOKING = [
    pytest.param(RevokingDbStore, id="db"),
    pytest.param(RevokingCachedDbStore, id="cached_db"),
]
ACCOUNTS = [
    pytest.param(AccountDbStore, id="db"),
    pytest.param(AccountCachedDbStore, id="cached_db"),
]


def hops_of(session: Any, method: str, *args: Any) -> int:
    async def counted() -> int:
        with count_hops() as hops:
            await getattr(session, method)(*args)
        return hops.count

    return async_to_sync(counted)()


@pytest.mark.parametrize("store", REVOKING)
def test_a_load_override_refusing_a_session_is_followed_by_aget(
    store: Store, backend_mode: Mode
) -> None:
    revoked = seed(store, {"user": "mallory", REVOKED: True})
    kept = seed(store, {"user": "alice"})

    refused = store(revoked)
    assert backend_mode.call(refused, "get", "user") is None
    assert refused.session_key is None
    backend_mode.call(refused, "__setitem__", "k", "v")
    backend_mode.call(refused, "save")
    assert refused.session_key not in (None, revoked)

    assert backend_mode.call(store(kept), "get", "user") == "alice"


@pytest.mark.parametrize("store", REVOKING)
def test_the_refusing_load_costs_one_hop(store: Store) -> None:
    assert hops_of(store(seed(store, {"user": "mallory", REVOKED: True})), "aget", "user") == 1
    assert hops_of(store(seed(store, {"user": "alice"})), "aload") == 1


def account_of(key: str | None) -> int | None:
    return AccountSession.objects.get(session_key=key).account_id


@pytest.mark.parametrize("store", ACCOUNTS)
def test_a_create_model_instance_override_is_followed_by_asave(
    store: Store, backend_mode: Mode
) -> None:
    new = store()
    backend_mode.call(new, "__setitem__", SESSION_KEY, "42")
    backend_mode.call(new, "save")
    assert account_of(new.session_key) == 42

    changed = store(seed(store, {"user": "alice"}))
    backend_mode.call(changed, "__setitem__", SESSION_KEY, "7")
    backend_mode.call(changed, "save")
    assert account_of(changed.session_key) == 7

    cycled = store(seed(store, {SESSION_KEY: "8"}))
    backend_mode.call(cycled, "cycle_key")
    assert account_of(cycled.session_key) == 8

    created = store()
    backend_mode.call(created, "create")
    assert account_of(created.session_key) is None


@pytest.mark.parametrize("store", ACCOUNTS)
def test_the_overridden_save_costs_one_hop(store: Store) -> None:
    session = store()
    session[SESSION_KEY] = "42"
    assert hops_of(session, "asave") == 1
    assert account_of(session.session_key) == 42


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("engine", sorted(ASYNC_OVERRIDES))
def test_async_overrides_calling_super_are_called_as_djangos_engine_calls_them(
    engine: str,
) -> None:
    """An override of ``aload()``/``asave()``/... calling ``super()`` never comes back to itself
    through the sync side derived from it: each is called as Django's engine calls it."""

    def session_life(store: Any) -> list[str]:
        async def life() -> Any:
            session = store()
            await session.aset("visits", 1)
            await session.asave()
            again = store(session.session_key)
            visits = await again.aget("visits")
            await again.adelete()
            return visits

        store.calls.clear()
        assert async_to_sync(life)() == 1
        calls: list[str] = store.calls
        return calls

    reference, djangos = ASYNC_OVERRIDES[engine]
    assert session_life(reference) == session_life(djangos)


def test_a_signed_cookie_stores_acycle_key_saves_through_an_asave_override() -> None:
    """Django's ``cycle_key()`` for signed cookies is ``save()``; with only ``asave()``
    overridden, the sync ``save()`` is derived from it and cannot run on the event loop:
    ``acycle_key()`` saves through ``asave()``."""
    store = ASYNC_OVERRIDES["signed_cookies"][0]

    async def cycle() -> Any:
        session = store()
        await session.aset("visits", 1)
        await session.asave()
        store.calls.clear()
        await session.acycle_key()
        return await store(session.session_key).aget("visits")

    assert async_to_sync(cycle)() == 1
    assert store.calls == ["asave", "aload"]
