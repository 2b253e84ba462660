"""Django's ``cache`` session engine, one thread hop per async call that reaches the cache.

    SESSION_ENGINE = "reference_backends.sessions.cache"

Sessions are entries of the ``SESSION_CACHE_ALIAS`` cache under Django's keys
(``KEY_PREFIX`` + session key): Django's ``cache`` engine reads them, and this
one reads Django's.

A key holding a NUL byte (a forged cookie) starts a new session instead of
reaching the cache (Django's store passes it on, and memcached backends raise
``InvalidCacheKey``): see :mod:`._one_step`. ``aclear_expired()`` stays on the
event loop: the cache expires sessions itself, and Django's does nothing either.
"""

from __future__ import annotations

from django.contrib.sessions.backends import cache as django_cache

from auth_backend_sdk.sessions import DualModeSessionMixin

from ._one_step import StoreInOneStep

__all__ = ["KEY_PREFIX", "SessionStore"]

KEY_PREFIX = django_cache.KEY_PREFIX


class SessionStore(DualModeSessionMixin, StoreInOneStep, django_cache.SessionStore):
    """Django\'s ``cache`` store, each async method that reaches the store in one thread hop."""

    @classmethod
    def clear_expired(cls) -> None:
        super().clear_expired()

    @classmethod
    async def aclear_expired(cls) -> None:
        # The cache expires entries itself: Django's clear_expired() does nothing, so
        # there is nothing to leave the event loop for (a subclass's override of
        # clear_expired() gets an async side of its own from the session family).
        super().clear_expired()  # what clear_expired() above runs
