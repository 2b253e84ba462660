"""Models the example backends need: lockouts, API tokens, owned articles."""

from __future__ import annotations

from django.conf import settings
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
