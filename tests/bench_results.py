"""What the bench tests share: small results files, and a bench module run as a script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONTENDERS = ("django", "dual_mode", "reference")


def run_results(
    series: str = "6.1",
    version: str = "6.1.3",
    loads: dict[str, Any] | None = None,
    quiet: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A small ``bench.run`` results file of Django ``version``.

    ``loads``: its machine loads by place ("run", "async_methods", "logins 8",
    ...), ``quiet`` where a place is not named; None for an old file, without any.
    """

    def each(value: float) -> dict[str, float]:
        return dict.fromkeys(CONTENDERS, value)

    results: dict[str, Any] = {
        "run": {
            "django": version,
            "django_series": series,
            "python": "3.13.0",
            "asgiref": "3.13.0",
            "database": "postgresql",
            "cores": 2,
            "hasher": "pbkdf2_sha256",
            "hasher_iterations": 1500000,
            "date": "2026-12-02",
            "commit": "abc1234",
        },
        "quick": False,
        "async_methods": {
            "hasher": "md5",
            "rounds": 9,
            "calls": 200,
            "rows": [
                {
                    "method": "aget_user",
                    "hops": each(1),
                    "median_us": each(100.0),
                    "vs_django": each(1.0),
                }
            ],
        },
        "logins": [
            {
                "concurrency": concurrency,
                "logins": 8,
                "hashing_limit_per_second": 3.0,
                "stall_ms": each(5.0),
                "blocking_ms": each(1.0),
                "logins_per_second": each(2.9),
                "of_hashing_limit": each(0.97),
                "vs_django": each(1.0),
            }
            for concurrency in (1, 8)
        ],
        "cold_permissions": {
            "checks": 400,
            "checks_per_second": each(100.0),
            "vs_django": each(1.0),
        },
        "derived_overhead": {"rounds": 15, "calls": 2000, "rows": []},
    }
    if loads is not None:
        results["machine_load"] = loads.get("run", quiet)
        for section in ("async_methods", "cold_permissions", "derived_overhead"):
            results[section]["machine_load"] = loads.get(section, quiet)
        for row in results["logins"]:
            row["machine_load"] = loads.get(f"logins {row['concurrency']}", quiet)
    return results


def run_bench_module(directory: Path, module: str, *arguments: str) -> tuple[dict[str, Any], str]:
    """``python -m <module> <arguments> --json FILE`` in a process of its own: results, output.

    Django's settings are the bench's own, not the test run's; the database is
    PostgreSQL only when the test run uses it (a bench takes it whenever it is named).
    """
    output = directory / "results.json"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    if os.environ.get("ABS_TEST_DATABASE") != "postgresql":
        env.pop("ABS_PGHOST", None)
    done = subprocess.run(
        [sys.executable, "-m", module, *arguments, "--json", str(output)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(output.read_text()), done.stdout
