"""Start and stop a throwaway PostgreSQL cluster for the test suite.

The cluster lives in a fresh temporary directory, listens only on a Unix
socket in that directory and on a private port on 127.0.0.1, trusts local
connections, and is deleted on exit. PostgreSQL refuses to run as root, so
as root the server runs as the ``postgres`` user.

    with throwaway_cluster() as env:   # {"ABS_PGHOST": ..., "ABS_PGPORT": ...}
        ...

Run as a script, it starts a cluster, prints the environment and waits for
Ctrl-C: handy for running a single test file against PostgreSQL by hand.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from typing import Any

from tools._throwaway import free_port, serve_until_interrupted

__all__ = ["django_database", "find_pg_bin", "throwaway_cluster"]


def django_database(env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """A Django ``DATABASES`` entry for the cluster named by ``ABS_PGHOST``/``ABS_PGPORT``."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "HOST": env["ABS_PGHOST"],
        "PORT": env["ABS_PGPORT"],
    }


def find_pg_bin() -> str:
    """The directory holding ``initdb`` and ``pg_ctl``; a clear error if there is none."""
    override = os.environ.get("PG_BIN")
    candidates = [override] if override else []
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(os.path.dirname(found))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in candidates:
        if directory and os.path.exists(os.path.join(directory, "initdb")):
            return directory
    raise SystemExit(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: set PG_BIN, or install "
        "Debian's 'postgresql' package (apt-get install postgresql)."
    )


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[dict[str, str]]:
    bin_dir = find_pg_bin()
    root = tempfile.mkdtemp(prefix="abs-pg-")
    data, log = os.path.join(root, "data"), os.path.join(root, "server.log")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()

    def run(program: str, *args: str) -> None:
        command = _as_server_user([os.path.join(bin_dir, program), *args])
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    try:
        run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c max_connections=200"
        run("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start")
        try:
            yield {"ABS_PGHOST": root, "ABS_PGPORT": str(port)}
        finally:
            run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    serve_until_interrupted(throwaway_cluster())
