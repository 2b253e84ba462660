"""How long the full contract suite takes against one backend (target: within 30 s).

    python -m bench.contract_suite [--json PATH] [DOTTED.PATH ...]

Runs ``python -m auth_backend_sdk check`` once per backend, as a user would
(a fresh process, the throwaway SQLite database, every check), and reports
the wall-clock time of the whole process and the time the checks took.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

BACKENDS = [
    "reference_backends.ModelBackend",
    "reference_backends.RemoteUserBackend",
    "django.contrib.auth.backends.ModelBackend",
    "django.contrib.auth.backends.RemoteUserBackend",
]
TARGET_SECONDS = 30.0


def measure(path: str) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "auth_backend_sdk", "check", path, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"check {path} exited {done.returncode}: {done.stderr.strip()}")
    (report,) = json.loads(done.stdout)
    return {
        "backend": path,
        "wall_seconds": round(wall, 1),
        "check_seconds": report["seconds"],
        "checks": report["passed"] + report["failed"] + report["skipped"],
        "passed": report["passed"],
        "failed": report["failed"],
        "within_target": wall <= TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backends", nargs="*", default=BACKENDS)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args()
    rows = [measure(path) for path in args.backends]
    print(f"Full contract suite per backend (target <= {TARGET_SECONDS:.0f} s, whole process):")
    print(f"  {'backend':<48} {'wall':>7} {'checks run':>11} {'checks':>7}  verdict")
    for row in rows:
        verdict = "ok" if row["within_target"] else "OVER TARGET"
        print(
            f"  {row['backend']:<48} {row['wall_seconds']:>6.1f}s {row['check_seconds']:>10.1f}s"
            f" {row['checks']:>7}  {verdict}"
        )
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"target_seconds": TARGET_SECONDS, "results": rows}, out, indent=2)


if __name__ == "__main__":
    main()
