"""A directory of its own for the file store while a contract checks it.

Django's file store caches its directory on the class the first time it is
asked (``_get_storage_path()`` sets ``cls._storage_path``), so a test that
changes ``SESSION_FILE_PATH`` also makes the store ask again, and puts back
what was cached before: other tests of the process keep theirs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.contrib.sessions.backends import file
from django.test import override_settings

__all__ = ["own_session_directory"]


@contextmanager
def _storage_path_asked_again(store_class: type) -> Iterator[None]:
    cached = vars(store_class).get("_storage_path")
    if cached is not None:
        delattr(store_class, "_storage_path")
    try:
        yield
    finally:
        if "_storage_path" in vars(store_class):
            delattr(store_class, "_storage_path")
        if cached is not None:
            store_class._storage_path = cached  # type: ignore[attr-defined]


@contextmanager
def own_session_directory(store_class: type) -> Iterator[str]:
    """``SESSION_FILE_PATH`` set to a new directory for ``store_class``, removed after.

    One per test: Django's file store reads every file of the directory on the
    event loop in ``aclear_expired()``, and the sessions of earlier tests would
    make that longer with each test.
    """
    with ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="abs-sessions-"))
        stack.enter_context(override_settings(SESSION_FILE_PATH=directory))
        for klass in {file.SessionStore, store_class}:
            stack.enter_context(_storage_path_asked_again(klass))
        yield directory
