from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

class Session(AbstractBaseSession):
    user: models.ForeignKey[User | None, User | None]
    user_id: int | None
    user_agent: str | None
    created_at: datetime | None
    updated_at: datetime
    ip: str | None
    objects: ClassVar[models.Manager[Any]]
