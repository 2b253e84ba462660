from __future__ import annotations

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines import tombstone_delete


class SessionStore(DualModeSessionMixin, tombstone_delete.SessionStore):
    pass
