"""Start and stop a throwaway Redis server for the test suite and the benchmarks.

The server lives in a fresh temporary directory, listens only on a private
port on 127.0.0.1, keeps nothing on disk, and is stopped and deleted on exit.
It is Debian's ``redis-server`` (``apt-get install redis-server``); no Redis
client library is needed to start it.

    with throwaway_redis() as env:   # {"ABS_REDIS_URL": "redis://127.0.0.1:<port>"}
        ...

Run as a script, it starts a server, prints the environment and waits for
Ctrl-C: handy for running a single test file against it by hand.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

from tools._throwaway import free_port, serve_until_interrupted

__all__ = ["MISSING", "find_redis_server", "throwaway_redis"]

MISSING = (
    "redis-server not found: install Debian's 'redis-server' package "
    "(apt-get install redis-server), or set REDIS_SERVER to its path."
)


def find_redis_server() -> str:
    """The ``redis-server`` program; a one-line error naming the package if there is none."""
    found = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
    if not found or not os.access(found, os.X_OK):
        raise SystemExit(MISSING)
    return found


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def throwaway_redis(startup_timeout: float = 30) -> Iterator[dict[str, str]]:
    program = find_redis_server()
    root = tempfile.mkdtemp(prefix="abs-redis-")
    log_path = os.path.join(root, "server.log")
    try:
        # Another process may take the free port before the server binds it: try another.
        for _attempt in range(3):
            port = free_port()
            command = [
                program,
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--dir", root,
                "--save", "",  # no snapshots: nothing outlives the run
                "--appendonly", "no",
                "--databases", "16",
            ]  # fmt: skip
            with open(log_path, "ab") as log:
                server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + startup_timeout
                while server.poll() is None and not _answers_ping(port):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"redis-server did not answer in time: see {log_path}")
                    time.sleep(0.05)
                if server.poll() is None:
                    yield {"ABS_REDIS_URL": f"redis://127.0.0.1:{port}"}
                    return
                with open(log_path, errors="replace") as log:
                    if "address already in use" not in log.read().lower():
                        raise RuntimeError(f"redis-server exited with {server.returncode}")
            finally:
                if server.poll() is None:
                    server.terminate()
                    try:
                        server.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        server.kill()
                        server.wait()
        raise RuntimeError("redis-server found no free port in three attempts")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    serve_until_interrupted(throwaway_redis())
