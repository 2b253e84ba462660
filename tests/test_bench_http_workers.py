"""``python -m bench.http_workers``: both stacks under one and two uvicorn workers on Redis.

A short run in a process of its own, on the database kind and the Redis server
this test run uses. What is asserted is what a run must get right whatever
the machine: every case measured, no request failing, each worker's CPU time
recorded; rates only exist. Apart from the bench, requests on connections of
their own reach both workers of a site.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.http_workers import SCENARIOS, render
from bench.machine_load import supported
from examples.site import launch
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


@pytest.mark.skipif(not supported(), reason="worker CPU is read from Linux's /proc")
def test_each_worker_cpu_time_is_recorded_with_two_workers(
    run: tuple[dict[str, Any], str],
) -> None:
    results, _ = run
    for row in results["results"]:
        if row["workers"] == 2:
            assert len(row["worker_cpu_seconds"]) == 2, row
            assert row["server_cpu_ms_per_request"] > 0
        else:
            assert "worker_cpu_seconds" not in row


@pytest.mark.skipif(not supported(), reason="uvicorn's workers are found in Linux's /proc")
def test_requests_on_connections_of_their_own_spread_over_both_workers(
    tmp_path: Path,
) -> None:
    async def served_by(url: str) -> list[str]:
        no_keep_alive = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=url, limits=no_keep_alive) as client:
            responses = await asyncio.gather(*(client.get("/login/") for _ in range(40)))
        assert all(response.status_code == 200 for response in responses)
        return [response.headers["X-Served-By"] for response in responses]

    with launch.temporary_database("sqlite", tmp_path) as database:
        env = launch.environment(database, mode="test")
        launch.prepare(env, "unused")
        with launch.serving({**env, "SITE_SERVED_BY": "1"}, tmp_path, workers=2) as site:
            pids = asyncio.run(served_by(site.url))

    assert len(site.worker_pids) == 2
    assert site.pid not in site.worker_pids  # the supervisor serves nothing
    assert set(pids) == {str(pid) for pid in site.worker_pids}
