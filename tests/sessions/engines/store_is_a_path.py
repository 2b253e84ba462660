"""Broken on purpose: ``SessionStore`` is the dotted path of a store, not the store."""

from __future__ import annotations

SessionStore = "django.contrib.sessions.backends.db.SessionStore"
