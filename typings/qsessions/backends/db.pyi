from django.contrib.sessions.backends.db import SessionStore as DjangoDBStore

class SessionStore(DjangoDBStore):
    user_agent: str | None
    ip: str | None
    def __init__(
        self, session_key: str | None = None, user_agent: str | None = None, ip: str | None = None
    ) -> None: ...
