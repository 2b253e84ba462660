"""Run the example site under uvicorn in a subprocess, for its tests and ``bench/http_load.py``.

    with temporary_database("sqlite", workdir) as database:
        env = environment(database, mode="test", stack="reference", session_engine="db")
        prepare(env, password="...")          # migrate, then seed_example_site
        with serving(env, workdir) as site:   # uvicorn on 127.0.0.1, a free port
            httpx.get(site.url + "/login/")

This module imports neither Django nor the site: the caller may have other
settings loaded (pytest does), and everything site-side runs in subprocesses.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from tools._throwaway import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
SETTINGS_MODULE = "examples.site.settings"
ASGI_APPLICATION = "examples.site.asgi:application"
DATABASE_KINDS = ("sqlite", "postgresql")

# Variables the site reads; the caller's own values must not leak into the subprocess.
_SITE_VARIABLE_PREFIXES = ("SITE_", "ABS_PG", "DJANGO_SETTINGS_MODULE")


@dataclass(frozen=True)
class Database:
    """A database of the site's own: ``variables`` point the site at it."""

    kind: str
    variables: dict[str, str]


@dataclass(frozen=True)
class RunningSite:
    url: str
    log_path: Path
    pid: int
    """uvicorn's process (with ``workers`` above 1, their supervisor), for benchmarks that
    read its CPU time."""
    worker_pids: tuple[int, ...] = ()
    """The processes serving requests: ``pid`` itself, or the supervisor's workers."""

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _run_postgres(pg_env: Mapping[str, str], statement: str, *names: str) -> None:
    import psycopg
    from psycopg import sql

    query = sql.SQL(statement).format(*(sql.Identifier(name) for name in names))
    with psycopg.connect(
        host=pg_env["ABS_PGHOST"],
        port=int(pg_env["ABS_PGPORT"]),
        user="postgres",
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(query)


@contextlib.contextmanager
def _postgres_database(pg_env: Mapping[str, str], template: str | None = None) -> Iterator[str]:
    name = f"example_site_{uuid.uuid4().hex[:12]}"
    if template is None:
        _run_postgres(pg_env, "CREATE DATABASE {}", name)
    else:
        _run_postgres(pg_env, "CREATE DATABASE {} TEMPLATE {}", name, template)
    try:
        yield name
    finally:
        _run_postgres(pg_env, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


@contextlib.contextmanager
def temporary_database(
    kind: str, directory: Path, pg_env: Mapping[str, str] = os.environ
) -> Iterator[Database]:
    """An empty database, deleted on exit: a SQLite file in ``directory``, or a new
    database on the PostgreSQL server ``pg_env`` names (``ABS_PGHOST``, ``ABS_PGPORT``)."""
    if kind == "sqlite":
        path = directory / f"site-{uuid.uuid4().hex[:12]}.sqlite3"
        try:
            yield Database(kind, {"SITE_SQLITE_PATH": str(path)})
        finally:
            for leftover in directory.glob(f"{path.name}*"):
                leftover.unlink()
    elif kind == "postgresql":
        server = {key: pg_env[key] for key in ("ABS_PGHOST", "ABS_PGPORT")}
        with _postgres_database(server) as name:
            yield Database(kind, {**server, "SITE_PG_DATABASE": name})
    else:
        raise ValueError(f"database kind must be one of {DATABASE_KINDS}, not {kind!r}")


@contextlib.contextmanager
def cloned(database: Database, directory: Path) -> Iterator[Database]:
    """A copy of ``database`` (no process may be using it), deleted on exit."""
    if database.kind == "sqlite":
        source = Path(database.variables["SITE_SQLITE_PATH"])
        with temporary_database("sqlite", directory) as copy:
            shutil.copyfile(source, copy.variables["SITE_SQLITE_PATH"])
            yield copy
    else:
        with _postgres_database(database.variables, database.variables["SITE_PG_DATABASE"]) as name:
            yield Database(database.kind, {**database.variables, "SITE_PG_DATABASE": name})


def environment(
    database: Database,
    *,
    model_backend: str = "reference",
    mode: str = "",
    stack: str = "reference",
    session_engine: str = "db",
    middleware: str = "full",
    redis_url: str = "",
) -> dict[str, str]:
    """The environment of a site subprocess: this one's, with the site's variables replaced.

    The keywords are the site's settings of the same name (``SITE_MODEL_BACKEND``,
    ``SITE_MODE``, ``SITE_STACK``, ``SITE_SESSION_ENGINE``, ``SITE_MIDDLEWARE``,
    ``SITE_REDIS_URL``: see its ``settings.py``).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SITE_VARIABLE_PREFIXES)}
    env.update(database.variables)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    env["SITE_MODEL_BACKEND"] = model_backend
    env["SITE_MODE"] = mode
    env["SITE_STACK"] = stack
    env["SITE_SESSION_ENGINE"] = session_engine
    env["SITE_MIDDLEWARE"] = middleware
    env["SITE_REDIS_URL"] = redis_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_django(env: Mapping[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`django {args[0]}` failed:\n{done.stdout}{done.stderr}")


def prepare(env: Mapping[str, str], password: str) -> None:
    """Migrate the site's database and create its users (all with ``password``)."""
    run_django(env, "migrate", "--no-input", "--verbosity", "0")
    run_django({**env, "SITE_DEMO_PASSWORD": password}, "seed_example_site")


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/login/", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to uvicorn (its supervisor stops its workers), then SIGKILL to whatever is left
    of its process group: a supervisor stuck waiting for a worker, or a worker it left."""
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):  # then killed below
        process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):  # nothing left
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


# What each of uvicorn's workers logs (at level info) once it has imported the site.
_WORKER_STARTED = "Started server process ["


def _spawned_workers(supervisor: int) -> tuple[int, ...]:
    """The worker processes of uvicorn's supervisor ``supervisor`` (Linux's /proc)."""
    workers = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as file:
                parent = int(file.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{name}/cmdline", "rb") as file:
                # multiprocessing's resource tracker is a child too; workers run spawn_main.
                is_worker = b"spawn_main" in file.read()
        except (OSError, IndexError, ValueError):  # it exited meanwhile
            continue
        if parent == supervisor and is_worker:
            workers.append(int(name))
    return tuple(sorted(workers))


def _ready(site: RunningSite, workers: int) -> bool:
    if not _answers(site.url):
        return False
    return workers == 1 or site.log().count(_WORKER_STARTED) >= workers


@contextlib.contextmanager
def serving(
    env: Mapping[str, str], log_dir: Path, startup_timeout: float = 60, *, workers: int = 1
) -> Iterator[RunningSite]:
    """uvicorn serving the site on 127.0.0.1, stopped on exit.

    With ``workers`` above 1, uvicorn's supervisor and that many worker processes
    sharing its socket (``--workers``; Linux only), once every worker has
    started: the operating system gives each new connection to one of them.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    # Another process may take the free port before uvicorn binds it: then try another.
    for _attempt in range(3):
        port = free_port()
        url, log_path = f"http://127.0.0.1:{port}", log_dir / f"uvicorn-{port}.log"
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            ASGI_APPLICATION,
            "--host=127.0.0.1",
            f"--port={port}",
            "--lifespan=off",
            "--no-access-log",
            # Each worker's start, to wait for; requests are not logged.
            "--log-level=info" if workers > 1 else "--log-level=warning",
            *([f"--workers={workers}"] if workers > 1 else []),
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                env=env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, workers included: see _stop
            )
        site = RunningSite(url, log_path, process.pid)
        try:
            deadline = time.monotonic() + startup_timeout
            while process.poll() is None and not _ready(site, workers):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn did not answer in time:\n{site.log()}")
                time.sleep(0.1)
            if process.poll() is None:
                pids = _spawned_workers(process.pid) if workers > 1 else (process.pid,)
                if len(pids) != workers:
                    raise RuntimeError(f"uvicorn runs {len(pids)} workers, not {workers}")
                yield replace(site, worker_pids=pids)
                return
            if "address already in use" not in site.log().lower():
                raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{site.log()}")
        finally:
            _stop(process)
    raise RuntimeError("uvicorn found no free port in three attempts")
