from __future__ import annotations

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines import dropping_save


class SessionStore(DualModeSessionMixin, dropping_save.SessionStore):
    pass
