"""The hooks a session contract calls, with defaults for stores kept the way Django keeps them.

Override any of them in your contract class:

* :meth:`~SessionContractHooks.new_store`: the store one request makes, from the
  session key of its cookie (django-qsessions' store also takes the request's
  IP address and user agent);
* :meth:`~SessionContractHooks.keys_the_store_adds`: keys the store writes
  into every session by itself;
* :meth:`~SessionContractHooks.stored_entry`: what the store keeps for a key (the
  row, the cache entry, the file, the cookie), which the checks compare between
  modes: a store that records a user, an IP address or a user agent must
  record them alike in both;
* :meth:`~SessionContractHooks.tamper_with_stored_data`: spoil the signature of a
  stored session;
* :meth:`~SessionContractHooks.login_data`: what ``login()`` writes in a session.

Where no default can know the answer (a store keeping sessions somewhere of
its own), the hook raises :exc:`~auth_backend_sdk.testing.HookMissing` and the
checks that need it are reported as *not run*, naming the hook.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing

from ...testing.harness import HookMissing
from .storage import (
    COOKIE_SALT,
    cache_prefix_of,
    file_of,
    is_cookie_store,
    is_file_store,
    model_of,
    read_file,
    write_file,
)

__all__ = ["SessionContractHooks", "spoiled"]

_STORAGE_UNKNOWN = (
    "the suite reads sessions where Django's stores keep them (a model of get_model_class(), "
    "a cache under cache_key_prefix, the file store's files, a signed cookie), and this "
    "store keeps them elsewhere"
)


def spoiled(signed: str) -> str:
    """``signed`` with one character of its payload changed: its signature no longer holds."""
    at = max(1, len(signed) // 3)
    replacement = "A" if signed[at] != "A" else "B"
    return signed[:at] + replacement + signed[at + 1 :]


class SessionContractHooks:
    """Default hooks. ``self.store_class`` is the store under test."""

    @property
    def store_class(self) -> type[SessionBase]:
        """The store under test, as the contract class names it."""
        raise NotImplementedError

    # -- the store of one request -------------------------------------------

    def new_store(self, session_key: str | None = None) -> SessionBase:
        """The store a request makes from its session cookie (``None``: no cookie).

        By default ``SessionStore(session_key)``, as Django's ``SessionMiddleware``
        makes it. A store that takes more (django-qsessions: ``ip``,
        ``user_agent``) is made here the way its middleware makes it.
        """
        return self.store_class(session_key)

    def keys_the_store_adds(self) -> frozenset[str]:
        """Keys the store writes into each session by itself (django-qsessions: the IP
        address and the user agent), which the checks leave out when they compare a
        session with what they put in it.

        By default, the keys of a new session saved empty, loaded again (sync mode).
        Both modes still compare them with each other.
        """
        store = self.new_store(None)
        store.save()
        return frozenset(self.new_store(store.session_key).keys())

    # -- what the store keeps -------------------------------------------------

    def stored_entry(self, session_key: str) -> dict[str, Any] | None:
        """What the store keeps for ``session_key``, as plain values; ``None`` if nothing.

        By default, each place a Django store keeps sessions: ``"row"`` (the
        model's columns but the key, ``session_data`` decoded), ``"cache entry"``,
        ``"file"`` (decoded), ``"cookie"`` (the key, decoded). The checks compare
        it between modes with dates as "about this far from now".
        """
        store = self.new_store(None)
        cls = type(store)
        kept: dict[str, Any] = {}
        model = model_of(cls)
        prefix = cache_prefix_of(cls)
        known = model is not None or prefix is not None
        if model is not None:
            kept["row"] = _row(store, model, session_key)
        if prefix is not None:
            kept["cache entry"] = store._cache.get(prefix + session_key)  # type: ignore[attr-defined]
        if is_file_store(cls):
            known = True
            content = read_file(store, session_key)
            kept["file"] = None if content is None else _decoded(store, content)
        if is_cookie_store(cls):
            known = True
            kept["cookie"] = _cookie(store, session_key)
        if not known:
            raise HookMissing("stored_entry", _STORAGE_UNKNOWN)
        return kept if any(value is not None for value in kept.values()) else None

    def tamper_with_stored_data(
        self, session_key: str, spoil: Callable[[str], str] = spoiled
    ) -> str:
        """Replace the signed data the store keeps for ``session_key`` with ``spoil(data)``;
        return the key to load now.

        By default: the row's ``session_data`` or the file spoiled in place (the
        same key; a cache in front of the row forgets the session), or a signed
        cookie (the spoiled cookie is the new key).
        """
        store = self.new_store(None)
        cls = type(store)
        model = model_of(cls)
        if is_cookie_store(cls):
            return spoil(session_key)
        if model is not None:
            rows = model._base_manager.filter(session_key=session_key)
            data = rows.values_list("session_data", flat=True).get()
            rows.update(session_data=spoil(data))
            prefix = cache_prefix_of(cls)
            if prefix is not None:
                store._cache.delete(prefix + session_key)  # type: ignore[attr-defined]
            return session_key
        if is_file_store(cls):
            content = read_file(store, session_key)
            if content is None:
                raise AssertionError(f"no file for the session in {file_of(store, session_key)}")
            write_file(store, session_key, spoil(content))
            return session_key
        raise HookMissing("tamper_with_stored_data", _STORAGE_UNKNOWN)

    # -- what a login writes ----------------------------------------------------

    def login_data(self) -> dict[str, Any]:
        """The keys Django's ``login()`` writes in a session, for a new user.

        By default a user of the configured user model (``create_user()``), the
        ``ModelBackend`` path and a stand-in for the session auth hash.
        """
        from django.contrib import auth

        model = auth.get_user_model()
        name = f"contract-session-user-{secrets.token_hex(4)}"
        values = {model.USERNAME_FIELD: name}
        for field in model.REQUIRED_FIELDS:
            values[field] = f"{name}@example.com" if "mail" in field else name
        try:
            user = model._default_manager.create_user(**values)
        except Exception as exc:
            raise HookMissing(
                "login_data", f"the default cannot create a user of {model._meta.label}: {exc}"
            ) from exc
        return {
            auth.SESSION_KEY: user._meta.pk.value_to_string(user),
            auth.BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            auth.HASH_SESSION_KEY: "contract-session-auth-hash",
        }


def _row(store: SessionBase, model: Any, session_key: str) -> dict[str, Any] | None:
    names = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
    row = model._base_manager.filter(session_key=session_key).values(*names).first()
    if row is None:
        return None
    if isinstance(row.get("session_data"), str):
        row["session_data"] = _decoded(store, row["session_data"])
    return dict(row)


def _decoded(store: SessionBase, data: str) -> object:
    if not data:
        return data  # the file store's empty placeholder
    try:
        return signing.loads(data, salt=store.key_salt, serializer=store.serializer)
    except Exception:
        return f"<undecodable: {data[:24]}...>"


def _cookie(store: SessionBase, session_key: str) -> object:
    try:
        return signing.loads(session_key, salt=COOKIE_SALT, serializer=store.serializer)
    except Exception:
        return None
