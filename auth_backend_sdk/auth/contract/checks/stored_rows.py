"""What a call leaves in the database, in terms both modes can share.

A login may upgrade the stored password hash, create the user
(``RemoteUserBackend``) or record when they were last seen; ``get_user`` may
too. :func:`stored_users` reads the rows of the user model (and how many
rows its many-to-many relations hold); :func:`changes` says what differs
between two readings. The parity checks run each mode in its own
rolled-back savepoint and compare the two changes, so some values are
compared by what they mean rather than as they are:

* rows by natural key (``USERNAME_FIELD``), not by primary key: a rolled-back
  insert does not roll a PostgreSQL sequence back;
* a date or time as "a time": the clock moved between the two calls;
* a password hash as its hasher and whether it matches the password: each
  hash has a salt of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher, is_password_usable
from django.db import DatabaseError
from django.db.models import DateField, Field, TimeField

__all__ = ["StoredUsers", "changes", "stored_users"]


@dataclass(frozen=True)
class StoredUsers:
    """One reading of the user table; ``None`` where it could not be read."""

    rows: Mapping[object, Mapping[str, object]] | None
    """Each row's column values (by attname), by natural key."""
    related_rows: Mapping[str, int]
    """Rows of each many-to-many relation of the user model (``groups``, ``user_permissions``)."""


def stored_users() -> StoredUsers:
    """The user table as it is now (the test's transaction included)."""
    model = get_user_model()
    names = [field.attname for field in model._meta.concrete_fields]
    key = model._meta.get_field(model.USERNAME_FIELD).attname  # type: ignore[union-attr]
    try:
        # The base manager: a default manager may hide rows (inactive users).
        rows = {row[key]: row for row in model._base_manager.values(*names)}
        related = {
            field.name: field.remote_field.through._base_manager.count()  # type: ignore[union-attr]
            for field in model._meta.many_to_many
        }
    except DatabaseError:
        # The call broke the transaction (PostgreSQL refuses every query after an
        # error until the savepoint is rolled back): nothing more can be read.
        return StoredUsers(None, {})
    return StoredUsers(rows, related)


def changes(before: StoredUsers, after: StoredUsers, password: str) -> dict[str, object]:
    """What changed from ``before`` to ``after``, each value as both modes can share it.

    ``password``: the contract's password, to tell whether a new hash matches it.
    """
    if before.rows is None or after.rows is None:
        return {"the user table": "unreadable: the call left the transaction broken"}
    model = get_user_model()
    fields = {field.attname: field for field in model._meta.concrete_fields}
    found: dict[str, object] = {}
    for key in sorted({*before.rows, *after.rows}, key=repr):
        old, new = before.rows.get(key), after.rows.get(key)
        if old == new:
            continue
        if new is None:
            found[f"user {key!r}"] = "deleted"
        elif old is None:
            found[f"user {key!r}"] = {
                "created": {
                    name: _shared(fields[name], value, password)
                    for name, value in new.items()
                    if not fields[name].primary_key
                }
            }
        else:
            found[f"user {key!r}"] = {
                name: _shared(fields[name], value, password)
                for name, value in new.items()
                if value != old.get(name)
            }
    for name, count in after.related_rows.items():
        added = count - before.related_rows.get(name, 0)
        if added:
            found[f"{name} rows"] = f"{added:+d}"
    return found


def _shared(field: Field[Any, Any], value: object, password: str) -> object:
    if value is None:
        return None
    if field.attname == "password" and isinstance(value, str):
        return _hash_summary(value, password)
    if isinstance(field, DateField | TimeField):  # DateTimeField is a DateField
        return "a time"
    return value


def _hash_summary(encoded: str, password: str) -> str:
    if not encoded or not is_password_usable(encoded):
        return "no usable password"
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return "a hash no installed hasher reads"
    matches = "matching" if hasher.verify(password, encoded) else "not matching"
    return f"a {hasher.algorithm} hash {matches} the password"
