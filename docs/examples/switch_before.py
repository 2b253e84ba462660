"""A project's backend on Django's ModelBackend: a hook that queries the database."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User


class StaffGroupBackend(ModelBackend):
    """Only members of the "staff" group may log in."""

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        return (
            super().user_can_authenticate(user)
            and isinstance(user, User)
            and user.groups.filter(name="staff").exists()
        )
