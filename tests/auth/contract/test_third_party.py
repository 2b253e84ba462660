"""The contract, applied to `rules` and `django-guardian` adapted with ``dual_mode()``.

Both are object-permission backends, so each supplies the hooks that grant a
permission on one object. guardian passes everything; rules has one expected
failure, explained below, a deviation from Django's contract that is the same
in both modes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import TestCase

from auth_backend_sdk.testing import Capability, PermissionBackendContract
from tests.testapp import permissions as _rules  # noqa: F401 - registers the rules
from tests.testapp.models import Article


class TestGuardianBackend(PermissionBackendContract, TestCase):
    backend = "tests.wrapped.GuardianBackend"
    capabilities = {Capability.OBJECT_PERMISSIONS}

    def permission_names(self) -> tuple[str, ...]:
        return ("auth.change_group", "auth.delete_group", "auth.view_group")

    def grant_object_permission(self, user: Any, perm: str, obj: Any) -> None:
        from guardian.shortcuts import assign_perm

        assign_perm(perm, user, obj)


class TestRulesBackend(PermissionBackendContract, TestCase):
    backend = "tests.wrapped.RulesBackend"
    capabilities = {Capability.OBJECT_PERMISSIONS}
    expected_failures = {
        f"test_inactive_users_have_no_permissions_{mode}": (
            "rules leaves is_active to the predicates, and is_article_owner does not check it: "
            "an inactive owner keeps the permission."
        )
        for mode in ("sync", "async")
    }

    def permission_names(self) -> tuple[str, ...]:
        # Both are granted to the article's owner only (tests/testapp/permissions.py).
        return ("testapp.change_article", "testapp.delete_article")

    def permission_object(self) -> Any:
        someone = User.objects.create_user(f"author-{Article.objects.count()}")
        return Article.objects.create(title="contract", owner=someone)

    def grant_object_permission(self, user: Any, perm: str, obj: Any) -> None:
        obj.owner = user
        obj.save(update_fields=["owner"])
