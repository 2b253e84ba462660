"""Serve an ASGI application with uvicorn, in a thread of this process, on a free local port.

In this process, the application sees the test settings and the test
database (commit what it must read: ``django_db(transaction=True)``). Its ORM
work runs in asgiref's shared sync thread (Channels opens no per-request
thread context), whose connections the caller closes when done
(``thread_connections_closed`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

__all__ = ["serving"]


@contextlib.contextmanager
def serving(application: Any, startup_timeout: float = 30) -> Iterator[str]:
    """Yield the base URL of ``application`` served by uvicorn; stop the server on exit."""
    # Bound here and handed to uvicorn, so no other process can take the port in between.
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(
        application, lifespan="off", log_config=None, access_log=False, timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listening]}, name="uvicorn", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped before it started serving")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start within {startup_timeout} s")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        listening.close()
