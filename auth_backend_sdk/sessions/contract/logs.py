"""The records a block logs on one logger, caught with a real ``logging.Handler``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SUSPICIOUS_SESSION", "logged"]

SUSPICIOUS_SESSION = "django.security.SuspiciousSession"
"""Where ``SessionBase.decode()`` reports data whose signature does not hold."""


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def logged(name: str, level: int = logging.WARNING) -> Iterator[list[logging.LogRecord]]:
    """The records of ``level`` or above logged on ``name`` (or below it) in the block.

    The logger is set to ``level`` meanwhile, so a project's logging settings
    (a quieter ``django.security``) do not hide what the store logs.
    """
    handler = _Records()
    logger = logging.getLogger(name)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        handler.records[:] = [r for r in handler.records if r.levelno >= level]
