from __future__ import annotations

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines import kiosk_expiry


class SessionStore(DualModeSessionMixin, kiosk_expiry.SessionStore):
    pass
