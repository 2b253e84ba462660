"""Where a store keeps its sessions, read off the class the way Django's stores keep them.

* a database row, for stores with ``get_model_class()`` (``db``, ``cached_db``,
  and their subclasses, such as django-qsessions');
* a cache entry under ``cache_key_prefix + key``, for stores with a
  ``cache_key_prefix`` (``cache``, ``cached_db``);
* a file named by ``_key_to_file(key)``, for subclasses of Django's ``file`` store;
* the key itself, signed, for subclasses of Django's ``signed_cookies`` store.

The contract's default hooks read and tamper with sessions there; a store kept
elsewhere writes the hooks (``stored_entry()``, ``tamper_with_stored_data()``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import file, signed_cookies
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import SuspiciousOperation

__all__ = [
    "BASE_SESSION_FIELDS",
    "COOKIE_SALT",
    "cache_prefix_of",
    "file_of",
    "is_cookie_store",
    "is_file_store",
    "model_of",
    "read_file",
    "write_file",
]

COOKIE_SALT = "django.contrib.sessions.backends.signed_cookies"
"""The salt Django's ``signed_cookies`` store signs every session with (not ``key_salt``)."""
BASE_SESSION_FIELDS = frozenset({"session_key", "session_data", "expire_date"})
"""The columns of Django's ``AbstractBaseSession``: a model with more records extra data."""


def model_of(store_class: type) -> Any:
    """The session model of a database store (``get_model_class()``), or ``None``."""
    get_model_class = getattr(store_class, "get_model_class", None)
    if not callable(get_model_class):
        return None
    try:
        model = get_model_class()
    except Exception:  # an app not installed, a model not ready: no row to read
        return None
    return model if hasattr(model, "_meta") else None


def cache_prefix_of(store_class: type) -> str | None:
    """The prefix of a cache store's entries (``cache_key_prefix``), or ``None``."""
    prefix = getattr(store_class, "cache_key_prefix", None)
    return prefix if isinstance(prefix, str) else None


def is_file_store(store_class: type) -> bool:
    return issubclass(store_class, file.SessionStore)


def is_cookie_store(store_class: type) -> bool:
    return issubclass(store_class, signed_cookies.SessionStore)


def file_of(store: SessionBase, session_key: str) -> str:
    """The file a file store keeps ``session_key`` in."""
    path: str = store._key_to_file(session_key)  # type: ignore[attr-defined]
    return path


def read_file(store: SessionBase, session_key: str) -> str | None:
    """The content of the session's file, or ``None`` if there is none."""
    try:
        with open(file_of(store, session_key), encoding="ascii") as stored:
            return stored.read()
    except (OSError, SuspiciousOperation):  # a key the store refuses to map to a file
        return None


def write_file(store: SessionBase, session_key: str, content: str) -> None:
    with open(file_of(store, session_key), "w", encoding="ascii") as stored:
        stored.write(content)
