"""What the throwaway servers of the tests share: a free port, and running one by hand."""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from contextlib import AbstractContextManager

__all__ = ["free_port", "serve_until_interrupted"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 free a moment ago (another process may take it first)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_until_interrupted(server: AbstractContextManager[dict[str, str]]) -> None:
    """Start ``server``, print its environment as shell exports, wait for Ctrl-C."""
    with server as env:
        for key, value in env.items():
            print(f"export {key}={value}")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
