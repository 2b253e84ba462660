from __future__ import annotations

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines import counting_setitem


class SessionStore(DualModeSessionMixin, counting_setitem.SessionStore):
    pass
