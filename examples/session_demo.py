"""`make demo`, session stores: two real stores from PyPI before and after dual_mode().

* django-user-sessions records the user of a session when ``__setitem__`` sets
  the user id; ``aset()``, which ``alogin()`` calls, is ``SessionBase``'s and
  skips it.
* django-qsessions records the user, IP and user agent through ``load()``,
  ``save()`` and ``create_model_instance()``; its async side is Django's
  database store's, which knows none of them.

For each: what ``describe()`` says, then a login written into a new session as
``login()`` and ``alogin()`` write it (the user id, then a save) in each mode,
and the ``user_id`` the store records in its row.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from auth_backend_sdk.engine import MethodPair
    from auth_backend_sdk.engine.description import BackendDescription
    from auth_backend_sdk.testing import Mode

__all__ = [
    "ADAPTED",
    "AS_WRITTEN",
    "SESSION_STORES",
    "SHOWN_STORES",
    "ShownStore",
    "show_session_stores",
    "stored_user_ids",
]

# django-user-sessions 2.0 imports pkg_resources, which warns on import: keep the output clean.
warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)

VISITOR = {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
AS_WRITTEN, ADAPTED = "as written", "after dual_mode()"


@dataclass(frozen=True)
class ShownStore:
    package: str
    path: str
    model: str
    """The path of the model of the store's rows, which have a ``user_id`` column."""

    def classes(self) -> dict[str, Any]:
        """The store as written, and after ``dual_mode()`` as a project's own module holds it."""
        from django.utils.module_loading import import_string

        from auth_backend_sdk import dual_mode

        return {AS_WRITTEN: import_string(self.path), ADAPTED: dual_mode(self.path)}


SHOWN_STORES = (
    ShownStore(
        "django-user-sessions",
        "user_sessions.backends.db.SessionStore",
        "user_sessions.models.Session",
    ),
    ShownStore(
        "django-qsessions", "qsessions.backends.db.SessionStore", "qsessions.models.Session"
    ),
)
SESSION_STORES = [store.path for store in SHOWN_STORES]
"""The paths of the stores shown: the demo installs their packages as apps."""


def stored_user_id(store_class: Any, model: str, mode: Mode, user: User) -> Any:
    """Log ``user`` into a new session in ``mode``; the ``user_id`` of the row written."""
    from django.contrib.auth import SESSION_KEY
    from django.utils.module_loading import import_string

    session = store_class(None, **VISITOR)  # as both packages' middleware builds one
    mode.call(session, "__setitem__", SESSION_KEY, user._meta.pk.value_to_string(user))
    mode.call(session, "save")
    rows = import_string(model)._default_manager.filter(session_key=session.session_key)
    return rows.values_list("user_id", flat=True).get()


def stored_user_ids(
    store: ShownStore, classes: dict[str, Any], user: User
) -> dict[str, dict[Mode, Any]]:
    """``{"as written": {SYNC: user_id, ASYNC: user_id}, "after dual_mode()": {...}}``."""
    from auth_backend_sdk.testing import ASYNC, SYNC

    return {
        variant: {mode: stored_user_id(cls, store.model, mode, user) for mode in (SYNC, ASYNC)}
        for variant, cls in classes.items()
    }


def _short(description: BackendDescription, shown: Sequence[MethodPair]) -> str:
    """``description``'s table with the rows of ``shown`` only, then the others' verdicts."""
    others = [p for p in description.pairs if p.pair not in shown and not p.absent]
    table = replace(description, pairs=tuple(p for p in description.pairs if p.pair in shown))
    verdicts = ", ".join(sorted({p.verdict for p in others}))
    return f"{table.table()}\n  {len(others)} other pairs: {verdicts}"


def _user_id_table(user_ids: dict[str, dict[Mode, Any]]) -> str:
    from auth_backend_sdk._columns import align
    from auth_backend_sdk.testing import ASYNC, SYNC

    rows = [("user_id in its row after a login", "sync", "async")]
    rows += [(variant, str(ids[SYNC]), str(ids[ASYNC])) for variant, ids in user_ids.items()]
    return "\n".join(align(rows))


def show_session_stores(heading: Callable[[str], None]) -> None:
    """Print each store's hazards and the user it records, before and after dual_mode()."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from auth_backend_sdk import describe

    heading("Session stores, before and after dual_mode()")
    print("Each store as written, then adapted: SessionStore = dual_mode(<its path>) in a module")
    print("of your own, named in SESSION_ENGINE. A login writes the user id (__setitem__ in sync,")
    print("aset() in async), then saves (save() or asave()): which user does the row record?")
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("demo-visitor")
    for store in SHOWN_STORES:
        classes = store.classes()
        before = describe(classes[AS_WRITTEN])
        after = replace(describe(classes[ADAPTED]), path=f'dual_mode("{store.path}")')
        shown = [p.pair for p in (*before.hazards, *after.hazards)]
        heading(f"{store.package}, {AS_WRITTEN} and {ADAPTED}")
        print(_short(before, shown))
        print(_short(after, shown))
        print()
        print(_user_id_table(stored_user_ids(store, classes, user)))
