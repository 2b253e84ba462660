"""``python -m bench.permission_cache``: what a warm check costs each contender, exactly.

The bench configures Django itself, so it runs in a subprocess, on the database
and the Redis server this test run uses. Queries, hops and hit ratios are
counted, not timed: they are asserted exactly; rates only exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.permission_cache import CHANGES, CONTENDERS, render
from tests.bench_results import run_bench_module
from tests.redis_server import redis_url


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    redis_url()  # the run's server, started if need be, named to the subprocess
    return run_bench_module(
        tmp_path_factory.mktemp("bench"),
        "bench.permission_cache",
        *("--checks", "40", "--concurrency", "4", "--users", "4", "--change-every", "10"),
    )


def test_a_warm_check_on_a_fresh_user_costs_the_shared_cache_no_query_and_no_hop(
    run: tuple[dict[str, Any], str],
) -> None:
    results, output = run
    warm = {row["contender"]: row for row in results["warm"]}
    assert list(warm) == list(CONTENDERS)
    assert (warm["reference"]["queries_per_check"], warm["reference"]["hops_per_check"]) == (1, 1)
    shared = warm["reference_shared"]
    assert (shared["queries_per_check"], shared["hops_per_check"]) == (0, 0)
    assert warm["django"]["queries_per_check"] >= 1
    assert all(row["checks_per_second"] > 0 for row in results["warm"])
    assert render(results) in output


def test_under_churn_a_users_change_costs_one_miss_and_a_groups_change_one_per_user(
    run: tuple[dict[str, Any], str],
) -> None:
    results, _ = run
    churn = {row["change"]: row for row in results["churn"]}
    assert list(churn) == list(CHANGES)
    # 40 checks over 4 users, a change before checks 10, 20 and 30.
    assert churn["user groups"]["hit_ratio"] == 1 - 3 / 40
    assert churn["group permissions"]["hit_ratio"] == 1 - 3 * 4 / 40
    assert all(row["change_ms"]["cache"] > 0 for row in results["churn"])
