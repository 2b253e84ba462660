"""The test matrix: ``make test`` runs every session here.

* ``lint``: ruff.
* ``typecheck``: mypy --strict with django-stubs.
* ``docs``: the Sphinx site with warnings as errors, and its doctests.
* ``tests``: pytest on Django 5.2 / Python 3.11 and Django 6.1 / Python 3.13,
  each against SQLite (under coverage) and a throwaway PostgreSQL cluster, the two side by
  side.
* ``coverage``: combines the runs; branch coverage of auth_backend_sdk >= 95%.
* ``package``: ``python -m build`` (the wheel is built from the sdist); both hold what they
  must; each installs, without ``-e``, in a fresh virtual environment and passes
  ``tools/package_smoke.py``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile

import nox
import nox.virtualenv

sys.path.insert(0, os.path.dirname(__file__))
from tools.pgcluster import throwaway_cluster
from tools.redisserver import throwaway_redis

nox.options.sessions = ["lint", "typecheck", "docs", "tests", "coverage", "package"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

MATRIX = [("3.11", "5.2"), ("3.13", "6.1")]
TYPED_PATHS = [
    "auth_backend_sdk",
    "reference_backends",
    "tests",
    "bench",
    "tools",
    "examples",
    "docs",
    "noxfile.py",
]


def interpreter(version: str) -> str:
    """The real ``pythonX.Y`` executable, from PATH or pyenv; exit naming it if absent."""
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    for candidate in candidates:
        if not candidate:
            continue
        # pyenv shims exist for versions that are not selected and then fail.
        done = subprocess.run(
            [candidate, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True
        )
        if done.returncode == 0:
            return done.stdout.strip()
    raise SystemExit(
        f"Python {version} not found: install it (for example `pyenv install {version}`) "
        f"or put python{version} on PATH."
    )


# Put each interpreter's own directory first on PATH, so nox finds it by version.
for _version in sorted({py for py, _ in MATRIX} | {"3.13"}):
    _bin = os.path.dirname(interpreter(_version))
    os.environ["PATH"] = os.pathsep.join([_bin, os.environ.get("PATH", "")])


def django_spec(series: str) -> str:
    major, minor = series.split(".")
    return f"Django>={series},<{major}.{int(minor) + 1}"


@nox.session(python="3.13")
def lint(session: nox.Session) -> None:
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.13")
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[typecheck,test,bench]", django_spec("6.1"), "nox")
    session.run("mypy", *TYPED_PATHS)


@nox.session(python="3.13")
def docs(session: nox.Session) -> None:
    """The Sphinx site, warnings as errors, and its doctested snippets."""
    session.install("-e", ".[docs,test]", django_spec("6.1"))
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "doctest", "docs", "docs/_build/doctest"
    )


@nox.session(name="tests")
@nox.parametrize(("python", "django"), MATRIX)
def tests(session: nox.Session, django: str) -> None:
    # bench: the report and its charts are tested too (matplotlib).
    session.install("-e", ".[test,typecheck,bench]", django_spec(django))
    session.run("python", "-c", "import django; print('Django', django.get_version())")
    # No pytest cache: the two runs share the working directory.
    pytest = ["-m", "pytest", "-p", "no:cacheprovider", *(session.posargs or ["-q"])]
    covered = {"COVERAGE_FILE": os.path.join(os.getcwd(), ".coverage")}
    with throwaway_cluster() as pg_env, throwaway_redis() as redis_env:
        # Coverage is measured on the SQLite run: no line of the packages is specific to
        # PostgreSQL (the PostgreSQL run checks behaviour), and measuring both runs costs
        # the CPU the two share. One Redis server, a database for each run.
        redis_url = redis_env["ABS_REDIS_URL"]
        sqlite = {**covered, "ABS_TEST_DATABASE": "sqlite", "ABS_REDIS_URL": f"{redis_url}/0"}
        postgresql = {
            **pg_env,
            "ABS_TEST_DATABASE": "postgresql",
            "ABS_REDIS_URL": f"{redis_url}/1",
        }
        run_side_by_side(
            session,
            {
                "SQLite": (["coverage", "run", *pytest], sqlite),
                "PostgreSQL": (["python", *pytest], postgresql),
            },
        )


def run_side_by_side(
    session: nox.Session, runs: dict[str, tuple[list[str], dict[str, str]]]
) -> None:
    """Run the commands of ``runs`` (name -> command, environment) at once; their output after.

    Much of a test run waits on subprocesses (the check command, Django's runner,
    uvicorn) and on the database: two runs side by side take little more than one
    (16 and 17.5 minutes, against 14.5 for one alone, on 2 cores).
    Coverage writes one data file per process (``parallel = true``), combined later.
    """
    if not isinstance(session.virtualenv, nox.virtualenv.VirtualEnv):
        session.error("the tests session needs a virtualenv")
    # session.run is the one public way to learn of --install-only: it runs nothing then.
    if session.run("python", "-c", "", silent=True) is None:
        return
    bin_dir = session.virtualenv.bin
    base = {
        **os.environ,
        "VIRTUAL_ENV": session.virtualenv.location,
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
    }
    logs = {name: os.path.join(session.create_tmp(), f"pytest-{name}.log") for name in runs}
    processes = {}
    for name, (command, extra) in runs.items():
        session.log(f"{' '.join(command)}  ({name}, output in {logs[name]})")
        with open(logs[name], "w") as log:
            processes[name] = subprocess.Popen(
                [os.path.join(bin_dir, command[0]), *command[1:]],
                env={**base, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    failed = []
    try:
        for name, process in processes.items():
            status = process.wait()
            with open(logs[name]) as log:
                print(f"\n===== pytest on {name} (exit status {status}) =====", flush=True)
                print(log.read(), flush=True)
            if status != 0:
                failed.append(name)
    finally:
        for process in processes.values():
            if process.poll() is None:  # interrupted: leave no run behind
                process.terminate()
    if failed:
        session.error(f"tests failed on {' and '.join(failed)}")


@nox.session(python="3.13")
def coverage(session: nox.Session) -> None:
    session.install("coverage[toml]>=7.10")
    session.run("coverage", "combine")
    session.run("coverage", "report")


WHEEL_MUST_HOLD = [
    "auth_backend_sdk/py.typed",
    "auth_backend_sdk/testing/pytest_plugin.py",
    "reference_backends/py.typed",
]
SDIST_MUST_HOLD = [
    "pyproject.toml",
    "README.md",
    "LICENSE",
    *WHEEL_MUST_HOLD,
    "tests/settings.py",
    "tools/pgcluster.py",
    "examples/demo.py",
    "docs/conf.py",
    "typings",
    "noxfile.py",
]


@nox.session(python="3.13")
def package(session: nox.Session) -> None:
    """Build the sdist and wheel, check what they hold, install each and smoke-test it."""
    session.install("build")
    work = os.path.abspath(session.create_tmp())
    dist = os.path.join(work, "dist")
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", dist)
    [wheel] = glob.glob(os.path.join(dist, "*.whl"))
    [sdist] = glob.glob(os.path.join(dist, "*.tar.gz"))
    with zipfile.ZipFile(wheel) as archive:
        require_members(session, wheel, archive.namelist(), WHEEL_MUST_HOLD)
        entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        declared = archive.read(entry_points).decode()
        for entry in ("auth-backend-sdk = auth_backend_sdk.cli:main", "[pytest11]"):
            if entry not in declared:
                session.error(f"{os.path.basename(wheel)} does not declare {entry!r}")
    with tarfile.open(sdist) as archive:
        members = [name.partition("/")[2] for name in archive.getnames()]
        require_members(session, sdist, members, SDIST_MUST_HOLD)
    smoke_test = os.path.join(os.getcwd(), "tools", "package_smoke.py")
    for artifact in (wheel, sdist):
        venv = os.path.join(work, "venv")
        shutil.rmtree(venv, ignore_errors=True)
        session.run("python", "-m", "venv", venv)
        python = os.path.join(venv, "bin", "python")
        pip_install = (python, "-m", "pip", "install", "--quiet")
        session.run(*pip_install, f"{artifact}[testing]", external=True)
        # Outside the checkout, so that nothing is imported from it.
        with session.chdir(work):
            session.run(python, smoke_test, external=True)


def require_members(
    session: nox.Session, archive: str, members: list[str], wanted: list[str]
) -> None:
    missing = [w for w in wanted if not any(m == w or m.startswith(f"{w}/") for m in members)]
    if missing:
        session.error(f"{os.path.basename(archive)} lacks {', '.join(missing)}")


@nox.session(name="bench")
@nox.parametrize(("python", "django"), MATRIX)
def bench(session: nox.Session, django: str) -> None:
    """Not part of `make test`. Writes bench/results/; `make bench` then runs bench_report.

    Arguments after ``--`` go to ``python -m bench.run`` (``-- --quick`` to try it out).
    """
    session.install("-e", ".[bench]", django_spec(django))
    results = "bench/results"
    http_load = ("python", "-m", "bench.http_load", "--database")
    session.run(*http_load, "sqlite", "--json", f"{results}/http-{django}-sqlite.json")
    session_overhead = ("python", "-m", "bench.session_overhead", "--json")
    session.run(*session_overhead, f"{results}/sessions-{django}-sqlite.json")
    session_hops = ("python", "-m", "bench.session_hops", "--json")
    with throwaway_redis() as redis_env:
        redis = {"ABS_REDIS_URL": f"{redis_env['ABS_REDIS_URL']}/0"}
        session.run(*session_hops, f"{results}/session-hops-{django}-sqlite.json", env=redis)
        with throwaway_cluster() as pg_env:
            session.run(
                *session_overhead, f"{results}/sessions-{django}-postgresql.json", env=pg_env
            )
            session.run(
                "python",
                "-m",
                "bench.permission_cache",
                "--json",
                f"{results}/permission-cache-{django}-postgresql.json",
                env={**pg_env, **redis},
            )
            session.run(
                "python",
                "-m",
                "bench.http_workers",
                "--json",
                f"{results}/workers-{django}-postgresql.json",
                env={**pg_env, **redis},
            )
            session.run(
                *session_hops,
                f"{results}/session-hops-{django}-postgresql.json",
                env={**pg_env, **redis},
            )
            session.run(
                "python",
                "-m",
                "bench.run",
                "--json",
                f"{results}/django-{django}.json",
                *session.posargs,
                env=pg_env,
            )
            session.run(
                *http_load,
                "postgresql",
                "--json",
                f"{results}/http-{django}-postgresql.json",
                env=pg_env,
            )


@nox.session(python="3.13")
def bench_report(session: nox.Session) -> None:
    """Combine bench/results/ into report.md, report.json, the chart and docs/performance.md."""
    session.install("-e", ".[bench]", django_spec("6.1"))
    session.run("python", "-m", "bench.report")
