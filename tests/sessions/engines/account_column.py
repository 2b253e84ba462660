"""Django's documented extension of the db store: ``create_model_instance()`` fills a column.

The custom session model has an ``account_id`` column, filled from the logged-in user.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db

from tests.testapp.models import AccountSession


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        session = cast(AccountSession, super().create_model_instance(data))
        user_id = data.get(SESSION_KEY)
        session.account_id = None if user_id is None else int(user_id)
        return session
