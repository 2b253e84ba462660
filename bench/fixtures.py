"""The users every measurement logs in or checks permissions for."""

from __future__ import annotations

from dataclasses import dataclass

from .environment import fast_hashing

__all__ = ["PASSWORD", "Fixtures", "create_fixtures"]

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Fixtures:
    slow_login: str
    """Username whose password is hashed with the default (PBKDF2) hasher."""
    fast_login: str
    """Username whose password is hashed with MD5, for :func:`~.environment.fast_hashing`."""
    staff_pk: int
    """A user with permissions of their own and through a group."""
    remote_user: str
    """An existing user, for ``RemoteUserBackend`` (which would otherwise create one)."""


def create_fixtures() -> Fixtures:
    from django.contrib.auth.models import Group, Permission, User

    names = ["bench", "bench-fast", "staff", "remote"]
    User.objects.filter(username__in=names).delete()  # a rerun on the same server
    Group.objects.filter(name="editors").delete()
    User.objects.create_user("bench", password=PASSWORD)
    with fast_hashing():
        User.objects.create_user("bench-fast", password=PASSWORD)
    User.objects.create_user("remote")
    staff = User.objects.create_user("staff")
    group = Group.objects.create(name="editors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="auth")[:6])
    staff.groups.add(group)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_user"))
    return Fixtures(
        slow_login="bench", fast_login="bench-fast", staff_pk=staff.pk, remote_user="remote"
    )
