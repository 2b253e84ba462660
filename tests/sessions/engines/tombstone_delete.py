"""``delete()`` leaves a tombstone in the cache, so that a replayed cookie can be told apart."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends import cache
from django.core.cache import caches

TOMBSTONE_PREFIX = "logged-out:"


class SessionStore(cache.SessionStore):
    def delete(self, session_key: str | None = None) -> None:
        key = self.session_key if session_key is None else session_key
        super().delete(session_key)
        if key is not None:
            caches[settings.SESSION_CACHE_ALIAS].set(TOMBSTONE_PREFIX + key, True)
