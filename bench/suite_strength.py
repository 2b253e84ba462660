"""The strength of the contract suite: does it catch single-defect variants of the reference?

    python -m bench.suite_strength [--json PATH]

Runs ``python -m auth_backend_sdk check`` (every check, Django's default
settings on a throwaway SQLite database, as a user would, with the contract of
``bench/mutant_contracts.py``: a drop-in, held to ``ModelBackend``'s answers)
against each mutant of ``bench/mutants.py`` and each control, and prints one row each:
the checks that failed, or MISSED. A mutant is caught when at least one
check fails; a control (a correct hand-written twin) must pass. Exits 1 when
a mutant is missed or a control fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

MODULE = "bench.mutants"
CONTRACT = ("--contract", "bench.mutant_contracts")


def mutants_and_controls() -> tuple[list[str], list[str]]:
    """The dotted paths of the mutants and of the controls.

    ``bench.mutants`` needs Django's app registry: set up a bare one here
    (the check command sets up its own, with a database).
    """
    import django
    from django.conf import settings

    settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"])
    django.setup()
    from bench import mutants

    def paths(classes: tuple[type, ...]) -> list[str]:
        return [f"{MODULE}.{cls.__qualname__}" for cls in classes]

    return paths(mutants.MUTANTS), paths(mutants.CONTROLS)


def run_suite(paths: list[str]) -> dict[str, dict[str, Any]]:
    """The check command's JSON report of each backend, by dotted path."""
    done = subprocess.run(
        [sys.executable, "-m", "auth_backend_sdk", "check", *paths, "--json", *CONTRACT],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"the check command exited {done.returncode}: {done.stderr.strip()}")
    return {report["backend"]: report for report in json.loads(done.stdout)}


def failed_checks(report: dict[str, Any]) -> list[str]:
    """The checks that failed, each once (a check failing in both modes is one row entry)."""
    failed = [
        c["check"]
        for c in report["checks"]
        if c["status"] in ("failed", "error", "unexpected success")
    ]
    return list(dict.fromkeys(failed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args()
    mutants, controls = mutants_and_controls()
    started = time.perf_counter()
    reports = run_suite([*controls, *mutants])
    seconds = time.perf_counter() - started
    rows = []
    for path in [*controls, *mutants]:
        failed = failed_checks(reports[path])
        is_control = path in controls
        ok = not failed if is_control else bool(failed)
        verdict = ("passes" if ok else "FAILS") if is_control else ("caught" if ok else "MISSED")
        rows.append(
            {
                "backend": path.removeprefix(f"{MODULE}."),
                "control": is_control,
                "verdict": verdict,
                "ok": ok,
                "failed_checks": failed,
                "seconds": reports[path]["seconds"],
            }
        )
    report_and_exit("Suite strength", rows, "backend", seconds, args.json)


def report_and_exit(
    title: str,
    rows: list[dict[str, Any]],
    name: str,
    seconds: float,
    json_path: str | None,
    notes: tuple[str, ...] = (),
) -> None:
    """Print one row per mutant or control (``row[name]`` names it), write the JSON, and
    exit 1 when a mutant is missed or a control fails."""
    mutants = sum(not row["control"] for row in rows)
    caught = sum(row["ok"] for row in rows if not row["control"])
    print(f"{title}: {caught} of {mutants} mutants caught ({seconds:.0f} s)")
    for note in notes:
        print(f"  {note}")
    width = max(len(row[name]) for row in rows)
    for row in rows:
        kind = "control" if row["control"] else "mutant"
        checks = ", ".join(row["failed_checks"]) or "-"
        print(f"  {kind:<7} {row[name]:<{width}}  {row['verdict']:<6}  {checks}")
    if json_path:
        with open(json_path, "w") as out:
            json.dump({"caught": caught, "mutants": mutants, "rows": rows}, out, indent=2)
    if not all(row["ok"] for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
