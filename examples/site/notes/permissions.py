"""Object permissions, decided by ``rules`` predicates."""

from __future__ import annotations

from typing import Any

import rules
from rules.predicates import is_superuser


@rules.predicate
def is_note_owner(user: Any, note: Any) -> bool:
    return note is not None and note.owner_id == user.pk


rules.add_perm("notes.change_note", is_note_owner | is_superuser)
