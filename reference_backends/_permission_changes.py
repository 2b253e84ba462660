"""Whether permissions changed, as Django's ORM signals tell: when a snapshot went stale.

``ModelBackend`` may load a user's permissions with the user (see
``load_permissions_with_user``), before anything checks them; Django loads
them at the first check. A snapshot taken at :func:`changes_so_far` ``== n``
is used only while it still is ``n``: any change to a user's or a group's
permissions, a user's groups, or a permission or group itself, made by any
thread of this process since, makes the first check query again, as Django's
would. Changes that bypass signals (``QuerySet.update()``, raw SQL) and changes
made by other processes between the user's load and the first check (the
same request, milliseconds) are not seen.
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

__all__ = ["changes_so_far"]

_lock = threading.Lock()
_changes = 0
_M2M_DONE = frozenset({"post_add", "post_remove", "post_clear"})


def changes_so_far() -> int:
    """How many permission changes the ORM has signalled in this process."""
    return _changes


def _count_change() -> None:
    global _changes
    with _lock:
        _changes += 1


def _on_m2m_changed(instance: Any, action: str, model: type, **_: Any) -> None:
    # user.user_permissions, user.groups and group.permissions, from either side.
    if action in _M2M_DONE and (
        model in (Permission, Group) or isinstance(instance, (Permission, Group))
    ):
        _count_change()


def _on_saved_or_deleted(**_: Any) -> None:
    _count_change()


m2m_changed.connect(_on_m2m_changed, dispatch_uid="reference_backends.permission_changes")
for _signal in (post_save, post_delete):
    for _model in (Permission, Group):
        _signal.connect(
            _on_saved_or_deleted,
            sender=_model,
            dispatch_uid=f"reference_backends.permission_changes.{_model.__name__}",
        )
