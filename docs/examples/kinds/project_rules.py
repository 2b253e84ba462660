"""The project's permission rules, for rules and for bridgekeeper: registered on import.

A member of a group may view and change that group, while their account is active.
"""

from __future__ import annotations

from typing import Any

import rules
from bridgekeeper import perms
from bridgekeeper import rules as bridgekeeper
from django.contrib.auth.models import Group
from rules.predicates import is_active


@rules.predicate
def is_member(user: Any, group: Group | None) -> bool:
    return group is not None and group.user_set.filter(pk=user.pk).exists()


for name in ("auth.view_group", "auth.change_group"):
    # rules: a predicate of the user and the object.
    rules.add_perm(name, is_active & is_member)
    # bridgekeeper: a rule on the object's relation to the user (its members).
    perms[name] = bridgekeeper.is_active & bridgekeeper.R(user=bridgekeeper.current_user)
