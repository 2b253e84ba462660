"""The real third-party session stores under test, each as shipped and as adapted.

A :class:`ThirdPartyStore` names a package's ``SESSION_ENGINE``, the engine that
adapts it (:mod:`tests.sessions.third_party_engines`), the session middleware the
package ships and its Session model. :meth:`ThirdPartyStore.stored_row` reads
what the store recorded for a session key: the user, IP and user agent columns
and the decoded data, to compare between modes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol, cast

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import caches
from django.db.models import Model
from django.utils.module_loading import import_string

__all__ = [
    "QSESSIONS_CACHED_DB",
    "QSESSIONS_DB",
    "STORES",
    "USER_SESSIONS_DB",
    "StoredRow",
    "ThirdPartyStore",
    "Variant",
    "Visitor",
]

ADAPTED_ENGINES = "tests.sessions.third_party_engines"


class Variant(enum.Enum):
    UNWRAPPED = "unwrapped"
    ADAPTED = "adapted"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Visitor:
    """Where a request comes from, as the packages' middleware hands it to the store."""

    ip: str
    user_agent: str


class RecordingStoreClass(Protocol):
    """The constructor both packages give their store (their middleware passes IP and agent)."""

    def __call__(
        self, session_key: str | None = None, user_agent: str | None = None, ip: str | None = None
    ) -> SessionBase: ...


@dataclass(frozen=True)
class StoredRow:
    """What a store recorded for one session, without its key."""

    user_id: int | None
    ip: str | None
    user_agent: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class ThirdPartyStore:
    name: str
    engine_module: str
    adapted_module: str
    middleware: str
    model_path: str

    def __str__(self) -> str:
        return self.name

    def engine(self, variant: Variant) -> str:
        """The ``SESSION_ENGINE`` of this store as shipped, or adapted."""
        return self.engine_module if variant is Variant.UNWRAPPED else self.adapted_module

    def store_class(self, variant: Variant) -> type[SessionBase]:
        store_class: type[SessionBase] = import_module(self.engine(variant)).SessionStore
        return store_class

    def new_store(
        self, variant: Variant, session_key: str | None = None, visitor: Visitor | None = None
    ) -> SessionBase:
        """A store built as the package's middleware builds one for a request from ``visitor``."""
        store_class = cast(RecordingStoreClass, self.store_class(variant))
        if visitor is None:
            return store_class(session_key)
        return store_class(session_key, user_agent=visitor.user_agent, ip=visitor.ip)

    def forget_cached(self, session_key: str | None) -> None:
        """Drop the cached copy of a session, if the store caches: the next read decodes the row."""
        prefix = getattr(self.store_class(Variant.UNWRAPPED), "cache_key_prefix", None)
        if prefix is not None and session_key is not None:
            caches[settings.SESSION_CACHE_ALIAS].delete(prefix + session_key)

    @property
    def model(self) -> type[Model]:
        model: type[Model] = import_string(self.model_path)
        return model

    def stored_row(self, session_key: str | None) -> StoredRow | None:
        """The row of ``session_key``, its data decoded with the store as shipped."""
        found = (
            self.model._default_manager.filter(session_key=session_key)
            .values("user_id", "ip", "user_agent", "session_data")
            .first()
        )
        if found is None:
            return None
        data = self.store_class(Variant.UNWRAPPED)().decode(found["session_data"])
        return StoredRow(found["user_id"], found["ip"], found["user_agent"], data)


QSESSIONS_DB = ThirdPartyStore(
    name="qsessions.db",
    engine_module="qsessions.backends.db",
    adapted_module=f"{ADAPTED_ENGINES}.qsessions_db",
    middleware="qsessions.middleware.SessionMiddleware",
    model_path="qsessions.models.Session",
)
QSESSIONS_CACHED_DB = ThirdPartyStore(
    name="qsessions.cached_db",
    engine_module="qsessions.backends.cached_db",
    adapted_module=f"{ADAPTED_ENGINES}.qsessions_cached_db",
    middleware="qsessions.middleware.SessionMiddleware",
    model_path="qsessions.models.Session",
)
USER_SESSIONS_DB = ThirdPartyStore(
    name="user_sessions.db",
    engine_module="user_sessions.backends.db",
    adapted_module=f"{ADAPTED_ENGINES}.user_sessions_db",
    middleware="user_sessions.middleware.SessionMiddleware",
    model_path="user_sessions.models.Session",
)
STORES = (QSESSIONS_DB, QSESSIONS_CACHED_DB, USER_SESSIONS_DB)
