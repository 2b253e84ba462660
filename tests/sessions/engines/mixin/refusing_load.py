from __future__ import annotations

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines import refusing_load


class SessionStore(DualModeSessionMixin, refusing_load.SessionStore):
    pass
