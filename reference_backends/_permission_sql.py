"""User and group permissions in one prepared SQL statement.

What ``ModelBackend._get_user_permissions()`` and
``_get_group_permissions()`` select, for the tables of the configured user
model, written once per user model as plain SQL: building the equivalent
ORM query (a UNION of two annotated querysets) costs more Python time per
cold permission check than the round trip it replaces. Used only while those
hooks are Django's own and the user model's ``user_permissions`` and
``groups`` relate to ``auth.Permission`` and ``auth.Group`` themselves
through Django's own tables; anything else goes through the ORM, as in Django.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router
from django.db.models import ManyToManyField, Model

__all__ = ["load_permissions"]


def load_permissions(user_obj: Any, sources: tuple[str, ...]) -> dict[str, set[str]] | None:
    """``{"user": {...}, "group": {...}}`` for ``sources``; None where Django's hooks must run.

    None when the user model lacks Django's own ``user_permissions`` and
    ``groups`` relations, or the user and permission tables are routed apart.
    """
    user_model = get_user_model()
    # Where Django's own queries would go: the user's related managers route
    # with the user as a hint, the group query does not. Differing aliases
    # (a multi-database setup) are left to the ORM.
    alias = router.db_for_read(Permission)
    if router.db_for_read(type(user_obj), instance=user_obj) != alias:
        return None
    statements = _statements(user_model, alias)
    if statements is None:
        return None
    sql = " UNION ALL ".join(statements[source] for source in sources)
    pk_field: Any = user_model._meta.pk
    user_id = pk_field.get_db_prep_value(user_obj.pk, connections[alias])
    loaded: dict[str, set[str]] = {source: set() for source in sources}
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user_id] * len(sources))
        for app_label, codename, source in cursor.fetchall():
            loaded[source].add(f"{app_label}.{codename}")
    return loaded


def _relates_to(field: object, model: type[Model]) -> bool:
    """Whether ``field`` relates to ``model`` itself through a table of primary keys.

    The statement joins the through table's columns to primary keys: a
    through model of the project's own may hold other columns (a username,
    a group name, as ``to_field`` allows), so only Django's own is taken.
    """
    if not isinstance(field, ManyToManyField) or field.remote_field.model is not model:
        return False
    through: Any = field.remote_field.through
    return bool(through._meta.auto_created)


@functools.cache
def _statements(user_model: type[Model], alias: str) -> dict[str, str] | None:
    try:
        user_permissions = user_model._meta.get_field("user_permissions")
        groups = user_model._meta.get_field("groups")
    except FieldDoesNotExist:
        return None
    group_permissions = Group._meta.get_field("permissions")
    if not (_relates_to(user_permissions, Permission) and _relates_to(groups, Group)):
        # Django's hooks query auth's own tables (and fail or find nothing
        # for relations to other models); joining another model's ids, or a
        # through table's usernames, to primary keys would grant permissions
        # nobody holds.
        return None
    assert isinstance(user_permissions, ManyToManyField)
    assert isinstance(groups, ManyToManyField)
    assert isinstance(group_permissions, ManyToManyField)
    quote = connections[alias].ops.quote_name
    permission = quote(Permission._meta.db_table)
    content_type = quote(ContentType._meta.db_table)
    select = (
        f"SELECT ct.{quote('app_label')}, p.{quote('codename')}, %s "
        f"FROM {permission} p INNER JOIN {content_type} ct "
        f"ON p.{quote('content_type_id')} = ct.{quote('id')} "
    )
    up = (
        quote(user_permissions.m2m_db_table()),
        quote(user_permissions.m2m_column_name()),
        quote(user_permissions.m2m_reverse_name()),
    )
    ug = (
        quote(groups.m2m_db_table()),
        quote(groups.m2m_column_name()),
        quote(groups.m2m_reverse_name()),
    )
    gp = (
        quote(group_permissions.m2m_db_table()),
        quote(group_permissions.m2m_column_name()),
        quote(group_permissions.m2m_reverse_name()),
    )
    return {
        "user": (select % "'user'")
        + f"INNER JOIN {up[0]} up ON up.{up[2]} = p.{quote('id')} WHERE up.{up[1]} = %s",
        "group": (select % "'group'")
        + f"INNER JOIN {gp[0]} gp ON gp.{gp[2]} = p.{quote('id')} "
        + f"INNER JOIN {ug[0]} ug ON ug.{ug[2]} = gp.{gp[1]} WHERE ug.{ug[1]} = %s",
    }
