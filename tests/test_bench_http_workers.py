"""``python -m bench.http_workers``: both stacks under one and two uvicorn workers on Redis.

A short run in a process of its own, on the database kind and the Redis server
this test run uses. What is asserted is what a run must get right whatever
the machine: every case measured, no request failing, every worker serving
its share; rates only exist.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from bench.http_workers import SCENARIOS, render
from tests.bench_results import run_bench_module
from tests.redis_server import redis_url

WORKERS = (1, 2)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    redis_url()  # the run's server, started if need be, named to the subprocess
    database = "postgresql" if os.environ.get("ABS_TEST_DATABASE") == "postgresql" else "sqlite"
    return run_bench_module(
        tmp_path_factory.mktemp("bench"),
        "bench.http_workers",
        *("--database", database, "--workers", *map(str, WORKERS)),
        *("--concurrency", "4", "--requests", "40", "--rounds", "1"),
    )


def test_every_worker_count_stack_and_scenario_is_measured_without_an_error(
    run: tuple[dict[str, Any], str],
) -> None:
    results, output = run
    cases = [(row["workers"], row["stack"], row["scenario"]) for row in results["results"]]
    assert sorted(cases) == sorted(
        (workers, stack, scenario)
        for workers in WORKERS
        for stack in ("django", "reference")
        for scenario in SCENARIOS
    )
    assert all(row["errors"] == 0 for row in results["results"])
    assert all(row["requests_per_second"] > 0 for row in results["results"])
    assert render(results) in output


def test_with_two_workers_both_serve_requests(run: tuple[dict[str, Any], str]) -> None:
    results, _ = run
    for row in results["results"]:
        if row["workers"] == 2 and row.get("worker_cpu_seconds") is not None:
            assert len(row["worker_cpu_seconds"]) == 2
            # A connection per request: each worker accepts some, and works for them.
            assert all(seconds > 0 for seconds in row["worker_cpu_seconds"]), row
        elif row["workers"] == 1:
            assert "worker_cpu_seconds" not in row
