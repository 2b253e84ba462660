"""Models the example backends need: lockouts, API tokens, owned articles."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
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
