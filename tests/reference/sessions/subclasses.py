"""Subclasses of the reference database stores, each overriding a sync method as projects do.

Both override only the sync side: the session family gives each an async side
of its own, so ``aget()`` and ``asave()`` must honour them.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import SESSION_KEY

from reference_backends.sessions import cached_db, db
from tests.testapp.models import AccountSession

__all__ = [
    "REVOKED",
    "AccountCachedDbStore",
    "AccountDbStore",
    "RevokingCachedDbStore",
    "RevokingDbStore",
]

REVOKED = "revoked"


class RevokingDbStore(db.SessionStore):
    """``load()`` refuses a session marked revoked (by an admin, say): a new session starts."""

    def load(self) -> dict[str, Any]:
        data = super().load()
        if data.get(REVOKED):
            self._session_key = None
            return {}
        return data


class RevokingCachedDbStore(cached_db.SessionStore):
    """The same refusal over the ``cached_db`` store."""

    def load(self) -> dict[str, Any]:
        data = super().load()
        if data.get(REVOKED):
            self._session_key = None
            return {}
        return data


def _with_account(obj: AccountSession, data: dict[str, Any]) -> AccountSession:
    try:
        obj.account_id = int(data.get(SESSION_KEY))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        obj.account_id = None
    return obj


class AccountDbStore(db.SessionStore):
    """Django's documented extension (as django-qsessions does): a model with a column of its
    own, filled by ``create_model_instance()``."""

    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        return _with_account(cast(AccountSession, super().create_model_instance(data)), data)


class AccountCachedDbStore(cached_db.SessionStore):
    """The same extension over the ``cached_db`` store."""

    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        return _with_account(cast(AccountSession, super().create_model_instance(data)), data)
