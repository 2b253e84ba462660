"""Broken on purpose: a ``SessionStore`` shaped like one, but no ``SessionBase``."""

from __future__ import annotations

from typing import Any


class SessionStore(dict[str, Any]):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__()
        self.session_key = session_key
