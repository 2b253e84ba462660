from __future__ import annotations

from auth_backend_sdk.sessions import DualModeSessionMixin
from tests.sessions.engines import account_column


class SessionStore(DualModeSessionMixin, account_column.SessionStore):
    pass
