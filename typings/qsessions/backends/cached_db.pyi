from django.contrib.sessions.backends.cached_db import SessionStore as DjangoCachedDBStore

from .db import SessionStore as QSessionsDBStore

KEY_PREFIX: str

class SessionStore(QSessionsDBStore, DjangoCachedDBStore): ...
