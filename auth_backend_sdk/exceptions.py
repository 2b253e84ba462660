"""Exceptions raised by the dual-mode engine."""

from __future__ import annotations

__all__ = ["SyncMethodInEventLoopError"]


class SyncMethodInEventLoopError(RuntimeError):
    """A method derived from its async twin was called inside a running event loop.

    Running it would block the loop for the whole call. Await the async twin
    instead; the message names it.
    """
