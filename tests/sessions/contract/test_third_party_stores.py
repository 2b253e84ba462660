"""The contract, applied to real third-party stores from PyPI, as shipped and adapted.

django-qsessions records the user, IP address and user agent of each session
in columns of its own; its store takes the request's IP address and user agent
(the ``new_store()`` hook). django-user-sessions records them too, with a model
that no ``get_model_class()`` names: its contract writes the hooks that read
and spoil a stored row, and declares the capabilities the suite cannot read off
the class. As shipped, both lose what they record in async mode (issue 13);
adapted with ``dual_mode()``, they record it alike. What stays is the
package's own behaviour, the same in both modes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import TestCase
from django.utils.module_loading import import_string

from auth_backend_sdk import dual_mode
from auth_backend_sdk.sessions.contract.hooks import spoiled
from auth_backend_sdk.testing import SessionCapability, SessionStoreContract
from tests.sessions.contract.engines import nul_keys_on_postgresql

QSESSIONS_OWN = nul_keys_on_postgresql("django-qsessions' store (Django's db store's load())")
QSESSIONS_AS_SHIPPED = {
    **QSESSIONS_OWN,
    "test_each_pair_follows_one_definition": (
        "django-qsessions overrides load(), save() and create_model_instance(); Django's db "
        "store writes aload(), asave() and acreate_model_instance() apart from them."
    ),
    "test_extra_data_is_recorded_alike": (
        "asave() goes through Django's acreate_model_instance(): no user, IP address or user "
        "agent is recorded in async mode (Channels saves with asave())."
    ),
    "test_session_parity": (
        "asave() skips django-qsessions' save() and create_model_instance(): the row of a "
        "session saved in async mode has no IP address or user agent."
    ),
    "test_subclass_overriding_load_is_followed_async": (
        "Django's db store writes aload() apart from load()."
    ),
    "test_subclass_overriding_save_is_followed_async": (
        "Django's db store writes asave() apart from save()."
    ),
    "test_subclass_overriding_setitem_is_followed_async": (
        "SessionBase.aset() writes into the loaded session, past __setitem__."
    ),
}
USER_SESSIONS_REVIVES = (
    "django-user-sessions saves with a plain Model.save() (an update, else an insert), never "
    "raising UpdateError: a session flushed by one request (a logout) is saved again by "
    "another that had it loaded. The same in both modes."
)
USER_SESSIONS_CREATES_ON_MISS = (
    "django-user-sessions' load() calls self.create() when no row matches the key: loading an "
    "unknown or tampered key saves a new, empty session. The same in both modes."
)
USER_SESSIONS_OWN = {
    **nul_keys_on_postgresql("django-user-sessions' load()"),
    "test_loading_an_unknown_key_stores_nothing_sync": USER_SESSIONS_CREATES_ON_MISS,
    "test_loading_an_unknown_key_stores_nothing_async": USER_SESSIONS_CREATES_ON_MISS,
    "test_saving_a_session_deleted_meanwhile_is_refused_sync": USER_SESSIONS_REVIVES,
    "test_saving_a_session_deleted_meanwhile_is_refused_async": USER_SESSIONS_REVIVES,
}
USER_SESSIONS_AS_SHIPPED = {
    **USER_SESSIONS_OWN,
    "test_each_pair_follows_one_definition": (
        "django-user-sessions overrides __setitem__ to record the user; SessionBase.aset() "
        "bypasses it."
    ),
    "test_extra_data_is_recorded_alike": (
        "alogin() sets the user's id with aset(), which skips django-user-sessions' "
        "__setitem__: the row of an async login has no user."
    ),
    "test_subclass_overriding_setitem_is_followed_async": (
        "SessionBase.aset() writes into the loaded session, past __setitem__."
    ),
}


# -- django-qsessions ----------------------------------------------------------------------


class QSessionsContract(SessionStoreContract):
    """django-qsessions: its store is made with the request's IP address and user agent."""

    def new_store(self, session_key: str | None = None) -> Any:
        store: Any = self.store_class  # its __init__ takes more than SessionBase's
        return store(session_key, user_agent="Mozilla/5.0 (X11)", ip="203.0.113.7")


class TestAdaptedQSessions(QSessionsContract, TestCase):
    session_store = "tests.sessions.contract.qsessions_engine"
    expected_failures = QSESSIONS_OWN


class TestQSessionsAsShipped(QSessionsContract):
    session_store = "qsessions.backends.db.SessionStore"
    expected_failures = QSESSIONS_AS_SHIPPED


# -- django-user-sessions ----------------------------------------------------------------


class UserSessionsContract(SessionStoreContract):
    """django-user-sessions: the hooks that find its rows, and what it supports."""

    capabilities = {
        SessionCapability.SERVER_SIDE,
        SessionCapability.CLEAR_EXPIRED,
        SessionCapability.ENCODED_DATA,
        SessionCapability.EXTRA_DATA,
    }

    def new_store(self, session_key: str | None = None) -> Any:
        store: Any = self.store_class  # its __init__ takes more than SessionBase's
        return store(session_key, user_agent="Mozilla/5.0 (X11)", ip="203.0.113.7")

    def stored_entry(self, session_key: str) -> dict[str, Any] | None:
        columns = ("session_data", "expire_date", "user_id", "user_agent", "ip", "last_activity")
        row = _user_sessions().filter(session_key=session_key).values(*columns).first()
        if row is None:
            return None
        row["session_data"] = self.new_store(None).decode(row["session_data"])
        return {"row": row}

    def tamper_with_stored_data(
        self, session_key: str, spoil: Callable[[str], str] = spoiled
    ) -> str:
        rows = _user_sessions().filter(session_key=session_key)
        rows.update(session_data=spoil(rows.get().session_data))
        return session_key


def _user_sessions() -> Any:
    return import_string("user_sessions.models.Session")._default_manager


class TestUserSessionsAsShipped(UserSessionsContract, TestCase):
    session_store = "user_sessions.backends.db.SessionStore"
    expected_failures = USER_SESSIONS_AS_SHIPPED


class TestAdaptedUserSessions(UserSessionsContract):
    session_store = dual_mode("user_sessions.backends.db.SessionStore")
    expected_failures = USER_SESSIONS_OWN
