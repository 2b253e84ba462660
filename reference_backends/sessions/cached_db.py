"""Django's ``cached_db`` session engine, one thread hop per async call that reaches the store.

    SESSION_ENGINE = "reference_backends.sessions.cached_db"

Sessions are rows of Django's ``django_session`` table, read through the
``SESSION_CACHE_ALIAS`` cache under Django's keys: a cache hit makes no
database query, and creating a session writes the cache once. Django's engine
reads them, and the reverse.

``save()`` of a session without a key is ``create()``, as in Django, without
what Django's ``save()`` adds after it: writing the same session to the cache
a second time (Django's ``save()`` and ``asave()`` of a new session both
write it twice).

A key holding a NUL byte (a forged cookie) starts a new session instead of
reaching the database (Django's store raises ``DataError`` on PostgreSQL): see
:mod:`._one_step`.
"""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db as django_cached_db

from auth_backend_sdk.engine.flow import run_async
from auth_backend_sdk.sessions import DualModeSessionMixin

from ._one_step import StoreInOneStep, in_one_step

__all__ = ["KEY_PREFIX", "SessionStore"]

KEY_PREFIX = django_cached_db.KEY_PREFIX


class SessionStore(DualModeSessionMixin, StoreInOneStep, django_cached_db.SessionStore):
    """Django\'s ``cached_db`` store, each async method that reaches the store in one thread hop."""

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            self.create()  # saves with must_create=True, which writes the cache
            return
        super().save(must_create)

    async def asave(self, must_create: bool = False) -> None:
        await run_async(in_one_step(SessionStore.save, self, must_create))
