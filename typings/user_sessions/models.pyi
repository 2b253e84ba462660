from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.db import models

class Session(models.Model):
    session_key: str
    session_data: str
    expire_date: datetime
    user: models.ForeignKey[User | None, User | None]
    user_id: int | None
    user_agent: str | None
    last_activity: datetime
    ip: str | None
    objects: ClassVar[models.Manager[Any]]
