"""A kiosk site: ``get_expiry_date()`` lets no session outlive an hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends import db
from django.utils import timezone

LONGEST_SESSION = timedelta(hours=1)


class SessionStore(db.SessionStore):
    def get_expiry_date(self, **kwargs: Any) -> datetime:
        modification = kwargs.get("modification") or timezone.now()
        return min(super().get_expiry_date(**kwargs), modification + LONGEST_SESSION)
