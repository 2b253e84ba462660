from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class Note(models.Model):
    title = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    # Declared for the type checker: its Django plugin reads the test suite's
    # settings, where this app is not installed.
    objects: ClassVar[models.Manager[Note]] = models.Manager()

    def __str__(self) -> str:
        return self.title
