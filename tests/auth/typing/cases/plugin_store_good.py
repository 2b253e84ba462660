"""The session mixin on a store of another module (read back from mypy's cache on a rerun)."""

from __future__ import annotations

from django.contrib.sessions.base_session import AbstractBaseSession

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines.revoking_db_hook import SessionStore as RevokingStore


class SessionStore(DualModeSessionMixin, RevokingStore):
    pass


async def revoked(store: SessionStore) -> AbstractBaseSession | None:
    return await store._aget_session_from_db()
