"""A project's backend on the reference ModelBackend: a hook that queries the database."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from reference_backends import ModelBackend


class StaffGroupBackend(ModelBackend):
    """Only members of the "staff" group may log in."""

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        return (
            super().user_can_authenticate(user)
            and isinstance(user, User)
            and user.groups.filter(name="staff").exists()
        )
