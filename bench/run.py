"""Every measurement for the installed Django version, into one results file.

    python -m bench.run --json bench/results/django-6.1.json [--quick]

``make bench`` runs it once per Django line (in its own nox virtualenv,
against a throwaway PostgreSQL cluster), then ``python -m bench.report``
combines the files. The tables are printed as well. ``--quick`` runs a few
calls of everything: to check the machinery, not to quote.

Each measurement (each concurrency of the logins), and the run as a whole,
records the machine's load while it ran under ``"machine_load"``
(:mod:`bench.machine_load`): other processes' CPU, steal, and whether it was
taken under load.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from . import derived_overhead
from .environment import configure, fast_hashing, run_info
from .fixtures import Fixtures, create_fixtures
from .machine_load import database_server, sample_machine_load
from .markdown import render

__all__ = ["main"]

QUICK = {
    "rounds": 3,
    "calls": 20,
    "concurrency": [1, 4],
    "min_logins": 2,
    "checks": 20,
    "overhead_rounds": 3,
    "overhead_calls": 100,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", required=True, help="the results file to write")
    parser.add_argument("--rounds", type=int, default=9, help="latency rounds per method")
    parser.add_argument("--calls", type=int, default=200, help="calls per contender per round")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--min-logins", type=int, default=8, help="logins per contender at least, per concurrency"
    )
    parser.add_argument("--checks", type=int, default=400, help="cold permission checks")
    parser.add_argument("--overhead-rounds", type=int, default=15)
    parser.add_argument("--overhead-calls", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="tiny counts, to test the machinery")
    args = parser.parse_args()
    if args.quick:
        vars(args).update(QUICK)
    return args


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, each with the machine's load while it ran, and the whole run's."""
    configure()
    fixtures = create_fixtures()
    results: dict[str, Any] = {"run": run_info(), "quick": args.quick}
    with sample_machine_load(database_server()) as load:
        results.update(_measure_each(args, fixtures))
    results["machine_load"] = load.as_json()
    return results


def _measure_each(args: argparse.Namespace, fixtures: Fixtures) -> dict[str, Any]:
    from .async_methods import measure_async_methods
    from .logins import measure_cold_permissions, measure_logins

    server = database_server()
    results: dict[str, Any] = {}
    with fast_hashing(), sample_machine_load(server) as load:
        rows = measure_async_methods(fixtures, args.rounds, args.calls)
    results["async_methods"] = {
        "hasher": "md5",
        "rounds": args.rounds,
        "calls": args.calls,
        "rows": rows,
        "machine_load": load.as_json(),
    }
    results["logins"] = []
    # One concurrency at a time, for a load per row (each repeats the unmeasured warm-up).
    for concurrency in args.concurrency:
        with sample_machine_load(server) as load:
            [row] = measure_logins(fixtures, [concurrency], args.min_logins)
        results["logins"].append({**row, "machine_load": load.as_json()})
    with sample_machine_load(server) as load:
        results["cold_permissions"] = measure_cold_permissions(fixtures, args.checks)
    results["cold_permissions"]["machine_load"] = load.as_json()
    with sample_machine_load(server) as load:
        overhead = derived_overhead.run(args.overhead_calls, args.overhead_rounds)
    results["derived_overhead"] = {
        "rounds": args.overhead_rounds,
        "calls": args.overhead_calls,
        "rows": [
            {
                "method": method,
                "derived_us": derived * 1e6,
                "hand_written_us": hand_written * 1e6,
                "ratio": ratio,
                "target": derived_overhead.TARGET,
            }
            for method, derived, hand_written, ratio in overhead
        ],
        "machine_load": load.as_json(),
    }
    return results


def main() -> None:
    args = parse_args()
    results = measure(args)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as file:
        json.dump(results, file, indent=2)
        file.write("\n")
    print(render([results]))


if __name__ == "__main__":
    main()
