"""``python -m bench.session_hops``: the reference stack is at the thread-hop floor, Django's above.

The bench configures Django itself, so it runs in a subprocess (pytest has
configured this one), on the database and the Redis server this test run
uses. Hops are deterministic; no time is measured.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import django
import pytest

from bench.session_hops import ENGINES, FLOORS, SCENARIOS, above_floor, render
from tests.bench_results import run_bench_module
from tests.redis_server import redis_url

ROOT = Path(__file__).resolve().parents[1]

# The reference stack's hops per request (new session, read+write, read-only, authenticated).
EXPECTED = {
    "db": (1, 2, 1, 1),
    "cache": (1, 2, 1, 1),
    "cached_db": (1, 2, 1, 1),
    "signed_cookies": (0, 0, 0, 1),
    "cache_on_redis": (0, 0, 0, 1),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """The results file and output of one run (one counted request per cell)."""
    redis_url()  # the run's server, started if need be, named to the subprocess
    return run_bench_module(
        tmp_path_factory.mktemp("bench"), "bench.session_hops", "--repeats", "1"
    )


def _hops(results: dict[str, Any], stack: str) -> dict[str, tuple[int, ...]]:
    by_cell = {(row["engine"], row["scenario"]): row["hops"][stack] for row in results["rows"]}
    return {
        engine: tuple(by_cell[engine, scenario] for scenario in SCENARIOS) for engine in ENGINES
    }


def test_the_run_covers_every_engine_and_scenario_on_this_database(
    run: tuple[dict[str, Any], str],
) -> None:
    results, _ = run
    database = "postgresql" if os.environ.get("ABS_TEST_DATABASE") == "postgresql" else "sqlite"
    assert (results["run"]["database"], results["run"]["django"]) == (
        database,
        django.get_version(),
    )
    assert results["repeats"] == 1
    assert [(row["engine"], row["scenario"]) for row in results["rows"]] == [
        (engine, scenario) for engine in ENGINES for scenario in SCENARIOS
    ]
    assert all(row["floor"] == FLOORS[row["engine"]][row["scenario"]] for row in results["rows"])


def test_the_reference_stack_is_at_the_floor(run: tuple[dict[str, Any], str]) -> None:
    results, stdout = run
    assert _hops(results, "reference") == EXPECTED
    assert {
        engine: tuple(FLOORS[engine][scenario] for scenario in SCENARIOS) for engine in ENGINES
    } == EXPECTED
    assert results["above_floor"] == []
    assert stdout.rstrip().endswith("Reference: at the floor everywhere.")


def test_djangos_stack_is_above_the_floor_everywhere(run: tuple[dict[str, Any], str]) -> None:
    results, _ = run
    for row in results["rows"]:
        assert row["hops"]["django"] > row["floor"], row


def test_the_handlers_own_hops_are_subtracted(run: tuple[dict[str, Any], str]) -> None:
    # The request_started and request_finished receivers: one hop each, on both Django lines.
    results, stdout = run
    assert results["baseline_hops"] == 2
    assert "minus the handler's own (2:" in stdout


def test_a_stack_above_the_floor_is_reported() -> None:
    results: dict[str, Any] = {
        "run": {"django": "6.1.3", "python": "3.13.0", "database": "sqlite"},
        "baseline_hops": 2,
        "rows": [
            {
                "engine": "db",
                "scenario": "read_only",
                "floor": 1,
                "hops": {"reference": 2, "django": 4},
            }
        ],
    }
    results["above_floor"] = above_floor(results)
    assert results["above_floor"] == ["reference db read_only: 2 hops, floor 1"]
    assert render(results).endswith(
        "Reference above the floor: reference db read_only: 2 hops, floor 1"
    )
