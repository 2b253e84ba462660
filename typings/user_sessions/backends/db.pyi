from django.contrib.sessions.backends.base import SessionBase

class SessionStore(SessionBase):
    user_agent: str | None
    ip: str | None
    user_id: int | None
    def __init__(
        self, session_key: str | None = None, user_agent: str | None = None, ip: str | None = None
    ) -> None: ...
