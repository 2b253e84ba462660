from __future__ import annotations

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines import async_refusing_load


class SessionStore(DualModeSessionMixin, async_refusing_load.SessionStore):
    pass
