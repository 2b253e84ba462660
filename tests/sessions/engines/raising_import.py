"""Broken on purpose: importing it raises, with a secret in the message."""

from __future__ import annotations

SECRET = "s3cret-cache-password"

raise ConnectionError(f"cannot reach redis://:{SECRET}@sessions.internal:6379/0")
