"""What a session store supports, declared like the authentication contracts' capabilities.

A check that needs a capability the store does not declare is skipped and
reported as skipped, never counted as passed::

    class TestMySessionStore(SessionStoreContract, TestCase):
        session_store = "myproject.sessions.SessionStore"
        capabilities = {SessionCapability.SERVER_SIDE, SessionCapability.CLEAR_EXPIRED}

Undeclared, they are inferred from the class (:func:`infer_session_capabilities`,
with the reasons :func:`explain_session_capabilities` gives).
"""

from __future__ import annotations

import enum

from django.contrib.sessions.backends.base import SessionBase

from ...testing.harness import Inference
from .storage import BASE_SESSION_FIELDS, cache_prefix_of, is_cookie_store, is_file_store, model_of

__all__ = ["SessionCapability", "explain_session_capabilities", "infer_session_capabilities"]


class SessionCapability(str, enum.Enum):
    SERVER_SIDE = "server-side storage"
    """Sessions live in the store (a table, a cache, files): ``exists()`` answers, a flushed
    or cycled key is gone, ``save(must_create=True)`` refuses a key in use, and saving a
    session deleted meanwhile raises ``UpdateError``."""
    COOKIE_BASED = "cookie-based"
    """The session is its key, signed (Django's ``signed_cookies``): no server state, so
    ``must_create`` means nothing and an old key cannot be revoked."""
    CLEAR_EXPIRED = "clear_expired"
    """``clear_expired()`` removes expired sessions (or the store expires them itself)."""
    ENCODED_DATA = "encoded data"
    """The store keeps each session as ``encode()`` signed it (a row, a file, a cookie):
    corrupted or tampered data must decode to an empty session, and be logged."""
    EXTRA_DATA = "records extra data"
    """The store records more than the session dictionary (a user, an IP address, a user
    agent): what a login writes is compared between modes, row and all."""

    def __str__(self) -> str:
        return self.value


def infer_session_capabilities(store_class: type) -> frozenset[SessionCapability]:
    """Capabilities read from where and how the class keeps sessions, as Django's stores do:
    a model of ``get_model_class()``, a cache under ``cache_key_prefix``, Django's file
    store, Django's signed-cookie store."""
    return frozenset(
        SessionCapability(c)
        for inference in explain_session_capabilities(store_class)
        for c in inference.capabilities
    )


def explain_session_capabilities(store_class: type) -> tuple[Inference, ...]:
    """How :func:`infer_session_capabilities` reads ``store_class``: one line per inference.

    Declaring ``capabilities`` in a contract class (``--contract`` for the
    ``check`` command) overrides them all.
    """
    found: list[Inference] = []
    model = model_of(store_class)
    prefix = cache_prefix_of(store_class)
    if is_cookie_store(store_class):
        found.append(
            _inferred(
                "a signed_cookies store: the session is its signed key",
                SessionCapability.COOKIE_BASED,
                SessionCapability.ENCODED_DATA,
            )
        )
    elif _defines_exists(store_class):
        where = _where(store_class, model, prefix)
        found.append(_inferred(f"exists() asks {where}", SessionCapability.SERVER_SIDE))
        if model is not None or is_file_store(store_class):
            why = "it keeps encode()'s signed string in " + (
                f"{model._meta.label}.session_data" if model is not None else "a file"
            )
            found.append(_inferred(why, SessionCapability.ENCODED_DATA))
    if _clears_expired(store_class):
        found.append(_inferred("it defines clear_expired()", SessionCapability.CLEAR_EXPIRED))
    extra = _extra_columns(model)
    if extra:
        why = f"{model._meta.label} has columns of its own: {', '.join(extra)}"
        found.append(_inferred(why, SessionCapability.EXTRA_DATA))
    return tuple(found)


def _inferred(why: str, *capabilities: SessionCapability) -> Inference:
    return Inference(frozenset(capabilities), why)


def _defines_exists(store_class: type) -> bool:
    return getattr(store_class, "exists", None) is not getattr(SessionBase, "exists", None)


def _clears_expired(store_class: type) -> bool:
    # SessionBase.clear_expired raises NotImplementedError: "not possible on this backend".
    mine = getattr(store_class, "clear_expired", None)
    return getattr(mine, "__func__", mine) is not SessionBase.__dict__["clear_expired"].__func__


def _where(store_class: type, model: object, prefix: str | None) -> str:
    places = []
    if prefix is not None:
        places.append("a cache")
    if model is not None:
        places.append(f"the table of {model._meta.label}")  # type: ignore[attr-defined]
    if is_file_store(store_class):
        places.append("the file system")
    return " and ".join(places) or "the store"


def _extra_columns(model: object) -> list[str]:
    if model is None:
        return []
    fields = model._meta.concrete_fields  # type: ignore[attr-defined]
    return [field.name for field in fields if field.name not in BASE_SESSION_FIELDS]
