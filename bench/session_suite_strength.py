"""The strength of the session contract: does it catch single-defect variants of Django's db store?

    python -m bench.session_suite_strength [--settings MODULE] [--contract MODULE] [--json PATH]

Runs ``python -m auth_backend_sdk check ... --json`` (every check; without
``--settings``, on the command's throwaway SQLite database, as a user would)
against Django's own ``db.SessionStore``, the oracle, and against each mutant
and control of ``bench/session_mutants.py``, and prints one row each: the
checks that failed, or MISSED. A check that fails on Django's own store (one of
Django's expected failures) is held against none of them: a mutant is caught
when a check fails that passes on Django's store, and a control passes when it
fails none of those. Exits 1 when a mutant is missed or a control fails.

``--settings`` runs on another database (``tests.settings`` with
``ABS_TEST_DATABASE=postgresql`` for PostgreSQL); ``--contract`` passes a module
of ``SessionStoreContract`` classes on to the command, should the stores need
hooks or capabilities the command cannot infer.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from bench.suite_strength import failed_checks, report_and_exit

MODULE = "bench.session_mutants"
ORACLE = "django.contrib.sessions.backends.db.SessionStore"


def mutants_and_controls() -> tuple[list[str], list[str]]:
    """The dotted paths of the mutants and of the controls (importing them needs no settings)."""
    from bench import session_mutants

    def paths(classes: tuple[type, ...]) -> list[str]:
        return [f"{MODULE}.{cls.__qualname__}" for cls in classes]

    return paths(session_mutants.MUTANTS), paths(session_mutants.CONTROLS)


def check_command(
    paths: list[str], *, settings: str | None = None, contract: str | None = None
) -> list[str]:
    """The check command that runs the session contract against the stores at ``paths``."""
    command = [sys.executable, "-m", "auth_backend_sdk", "check", *paths, "--json"]
    if settings is not None:
        command += ["--settings", settings]
    if contract is not None:
        command += ["--contract", contract]
    return command


def run_check(command: list[str]) -> dict[str, dict[str, Any]]:
    """The check command's JSON report of each store, by dotted path."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"the check command exited {done.returncode}: {done.stderr.strip()}")
    return {report["backend"]: report for report in json.loads(done.stdout)}


def verdicts(
    reports: dict[str, dict[str, Any]], mutants: list[str], controls: list[str]
) -> list[dict[str, Any]]:
    """One row per control, then per mutant: the checks it fails that Django's store passes."""
    django_fails = set(failed_checks(reports[ORACLE]))
    rows = []
    for path in [*controls, *mutants]:
        failed = [check for check in failed_checks(reports[path]) if check not in django_fails]
        is_control = path in controls
        ok = not failed if is_control else bool(failed)
        verdict = ("passes" if ok else "FAILS") if is_control else ("caught" if ok else "MISSED")
        rows.append(
            {
                "store": path.removeprefix(f"{MODULE}."),
                "control": is_control,
                "verdict": verdict,
                "ok": ok,
                "failed_checks": failed,
                "seconds": reports[path].get("seconds"),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--settings", metavar="MODULE", help="run on this Django settings module")
    parser.add_argument("--contract", metavar="MODULE", help="a module of contract classes")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args()
    mutants, controls = mutants_and_controls()
    started = time.perf_counter()
    command = check_command(
        [ORACLE, *controls, *mutants], settings=args.settings, contract=args.contract
    )
    reports = run_check(command)
    seconds = time.perf_counter() - started
    rows = verdicts(reports, mutants, controls)
    django_fails = ", ".join(failed_checks(reports[ORACLE])) or "-"
    note = f"Django's db store fails (held against no one): {django_fails}"
    report_and_exit("Session contract strength", rows, "store", seconds, args.json, (note,))


if __name__ == "__main__":
    main()
