"""Models the example backends and session stores need: lockouts, API tokens, owned articles,
custom users, and a custom session model."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Lockout(models.Model):
    """A username that may not log in."""

    username = models.CharField(max_length=150, unique=True)


class ApiToken(models.Model):
    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


class Article(models.Model):
    title = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.title


class EmailUserManager(BaseUserManager["EmailUser"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> EmailUser:
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class EmailUser(AbstractBaseUser):
    """A custom user model: logs in by e-mail, has no ``is_active`` field, and peppers passwords.

    Its own ``set_password()``/``check_password()`` must be what authenticates.
    """

    PEPPER = "-pepper"

    email = models.EmailField(unique=True)

    USERNAME_FIELD = "email"
    objects: ClassVar[EmailUserManager] = EmailUserManager()

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(None if raw_password is None else raw_password + self.PEPPER)

    def check_password(self, raw_password: str | None) -> bool:
        return raw_password is not None and super().check_password(raw_password + self.PEPPER)


class Team(models.Model):
    """A project's own grouping of users, unrelated to ``auth.Group``."""

    name = models.CharField(max_length=50)


class Grant(models.Model):
    """A project's own permission model, shaped like ``auth.Permission`` (as Django queries it)."""

    codename = models.CharField(max_length=100)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)


class TeamUserManager(BaseUserManager["TeamUser"]):
    pass


class TeamUser(AbstractBaseUser):
    """A custom user model whose ``groups`` and ``user_permissions`` relate to other models.

    Their ids say nothing about rows of ``auth_group`` or ``auth_permission``.
    """

    username = models.CharField(max_length=150, unique=True)
    is_active = models.BooleanField(default=True)
    is_superuser = models.BooleanField(default=False)
    groups = models.ManyToManyField(Team, related_name="members", blank=True)
    user_permissions = models.ManyToManyField(Grant, related_name="holders", blank=True)

    USERNAME_FIELD = "username"
    objects: ClassVar[TeamUserManager] = TeamUserManager()


class AsyncLockoutUser(User):
    """Refuses locked-out users in ``acheck_password()`` only, as Django's async path allows."""

    class Meta:
        proxy = True

    async def acheck_password(self, raw_password: str | None) -> bool:
        if await Lockout.objects.filter(username=self.username).aexists():
            return False
        return await super().acheck_password(raw_password)


class EachSideUser(User):
    """Defines both sides of the password check, each saying which mode ran it."""

    class Meta:
        proxy = True

    checked_by: str = ""

    def check_password(self, raw_password: str | None) -> bool:
        self.checked_by = "sync"
        return super().check_password(raw_password)

    async def acheck_password(self, raw_password: str | None) -> bool:
        self.checked_by = "async"
        return await super().acheck_password(raw_password)


class NamedMembershipUserManager(BaseUserManager["NamedMembershipUser"]):
    pass


class NamedMembershipUser(AbstractBaseUser):
    """Django's own ``groups`` and ``user_permissions`` targets, through tables keyed by name.

    The through tables hold usernames and group names, not primary keys.
    """

    username = models.CharField(max_length=150, unique=True)
    is_active = models.BooleanField(default=True)
    is_superuser = models.BooleanField(default=False)
    groups = models.ManyToManyField(
        "auth.Group", through="NamedMembership", related_name="named_members", blank=True
    )
    user_permissions = models.ManyToManyField(
        "auth.Permission", through="NamedHolding", related_name="named_holders", blank=True
    )

    USERNAME_FIELD = "username"
    objects: ClassVar[NamedMembershipUserManager] = NamedMembershipUserManager()


class NamedMembership(models.Model):
    user = models.ForeignKey(NamedMembershipUser, models.CASCADE, to_field="username")
    group = models.ForeignKey("auth.Group", models.CASCADE, to_field="name")


class NamedHolding(models.Model):
    user = models.ForeignKey(NamedMembershipUser, models.CASCADE, to_field="username")
    permission = models.ForeignKey("auth.Permission", models.CASCADE)


class SyncLockoutUser(User):
    """Refuses locked-out users in ``check_password()`` only."""

    class Meta:
        proxy = True

    def check_password(self, raw_password: str | None) -> bool:
        if Lockout.objects.filter(username=self.username).exists():
            return False
        return super().check_password(raw_password)


class AsyncCheckOverLockoutUser(SyncLockoutUser):
    """Adds an ``acheck_password()`` of its own over a base's sync-only lockout."""

    class Meta:
        proxy = True

    checked_by: str = ""

    async def acheck_password(self, raw_password: str | None) -> bool:
        self.checked_by = "async"
        return await super().acheck_password(raw_password)


class AccountSession(AbstractBaseSession):
    """Django's documented way to extend a database-backed session store: a custom session
    model with an ``account_id`` column (all the sessions of an account in one query)."""

    account_id = models.IntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from tests.sessions.hazard_stores import AccountSessionStore

        return AccountSessionStore
