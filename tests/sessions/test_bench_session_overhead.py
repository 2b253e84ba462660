"""``python -m bench.session_overhead``: a quick run reports every measurement, and the thread
hops it counts are the promised ones. Hops are deterministic; times are never asserted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import django
import pytest
from asgiref.sync import async_to_sync, sync_to_async

from bench.session_overhead import (
    IN_MEMORY_CALLS,
    AdaptedInMemoryStore,
    InMemoryOverridesStore,
    broken_hop_promises,
    in_memory_hops,
    median_interval,
)
from tests.bench_results import run_bench_module

ROOT = Path(__file__).resolve().parents[2]
STORES = {"dual_mode", "hand_written", "django"}
# One hop to load, none while the session is in memory, one to save.
REQUEST_HOPS = [1, 0, 0, 2]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """The results file and output of a quick run, on the database this test run uses."""
    return run_bench_module(tmp_path_factory.mktemp("bench"), "bench.session_overhead", "--quick")


def _assert_ratio(comparison: dict[str, Any], coverage: float) -> None:
    low, high = comparison["interval"]
    assert 0 < low <= comparison["ratio"] <= high
    assert comparison["coverage"] == pytest.approx(coverage)


def test_a_quick_run_times_aload_and_asave_of_the_three_stores(
    quick_run: tuple[dict[str, Any], str],
) -> None:
    results, stdout = quick_run
    database = "postgresql" if os.environ.get("ABS_TEST_DATABASE") == "postgresql" else "sqlite"
    assert results["run"]["database"] == database
    assert results["run"]["django"] == django.get_version()
    assert results["quick"] is True
    load = results["run"]["load_average"]
    assert len(load["before"]) == len(load["after"]) == 3
    bridge = results["bridge"]
    assert (bridge["rounds"], bridge["calls"]) == (3, 5)
    assert [row["method"] for row in bridge["rows"]] == ["aload", "asave"]
    for row in bridge["rows"]:
        assert set(row["median_us"]) == STORES
        assert all(us > 0 for us in row["median_us"].values())
        _assert_ratio(row["vs_hand_written"], coverage=0.75)  # 3 rounds: the whole range
        assert row["target"] == 1.05
    assert "| aload | 1/1/1 |" in stdout
    assert stdout.rstrip().endswith("Hops: as promised.")


def test_a_derived_aload_and_asave_hop_once_like_the_hand_written_bridge_and_djangos(
    quick_run: tuple[dict[str, Any], str],
) -> None:
    results, _ = quick_run
    for row in results["bridge"]["rows"]:
        assert row["hops"] == dict.fromkeys(STORES, 1), row["method"]


def test_an_in_memory_override_adds_no_hop_to_a_request(
    quick_run: tuple[dict[str, Any], str],
) -> None:
    results, _ = quick_run
    in_memory = results["in_memory"]
    assert [(row["call"], row["loaded"]) for row in in_memory["hops"]] == list(IN_MEMORY_CALLS)
    assert [row["hops"]["django"] for row in in_memory["hops"]] == REQUEST_HOPS
    assert [row["hops"]["dual_mode"] for row in in_memory["hops"]] == REQUEST_HOPS
    assert results["hop_promises_broken"] == []
    assert set(in_memory["aset"]["median_us"]) == {"dual_mode", "django"}
    _assert_ratio(in_memory["aset"]["vs_django"], coverage=0.75)


class ThreadBridgedStore(InMemoryOverridesStore):
    """In-memory overrides bridged to a thread, as one might write them by hand."""

    async def aset(self, key: str, value: Any) -> None:
        await sync_to_async(self.__setitem__)(key, value)

    async def aget(self, key: str, default: Any = None) -> Any:
        return await sync_to_async(self.get)(key, default)


@pytest.mark.django_db
def test_the_count_sees_a_hop_an_in_memory_method_should_not_make() -> None:
    adapted = async_to_sync(in_memory_hops)(AdaptedInMemoryStore)
    bridged = async_to_sync(in_memory_hops)(ThreadBridgedStore)
    assert adapted == REQUEST_HOPS
    # A hop per aget and aset, and asave's own: the save and the aget of the expiry it makes.
    assert bridged == [1, 1, 1, 6]
    rows = [
        {"call": call, "loaded": loaded, "hops": {"dual_mode": mine, "django": theirs}}
        for (call, loaded), mine, theirs in zip(IN_MEMORY_CALLS, bridged, adapted, strict=True)
    ]
    broken = broken_hop_promises({"bridge": {"rows": []}, "in_memory": {"hops": rows}})
    flagged = [call for call, _ in IN_MEMORY_CALLS[1:]]
    assert len(broken) == len(flagged)
    assert all(
        message.startswith(f"{call}: ") for message, call in zip(broken, flagged, strict=True)
    )


def test_the_ratio_interval_is_the_median_order_statistics_for_the_confidence() -> None:
    rounds = [float(value) for value in range(15, 0, -1)]
    low, high, coverage = median_interval(rounds)
    assert (low, high) == (4.0, 12.0)  # P(4th <= median <= 12th) of 15 is 96.5%
    assert coverage == pytest.approx(1 - 2 * 576 / 2**15)
    assert median_interval([3.0, 1.0, 2.0]) == (1.0, 3.0, 0.75)
