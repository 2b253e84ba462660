"""Broken on purpose: the store class is not named ``SessionStore``."""

from __future__ import annotations

from django.contrib.sessions.backends import db


class Store(db.SessionStore):
    pass
