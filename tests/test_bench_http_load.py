"""``bench.http_load``: how the rounds of a stack make its row."""

from __future__ import annotations

from typing import Any

from bench.http_load import STACKS, median_round, taking_turns


def measured(rate: float, cpu: float) -> dict[str, Any]:
    return {"stack": "reference", "requests_per_second": rate, "server_cpu_ms_per_request": cpu}


def test_the_row_is_the_median_round_whole_with_every_rounds_rate_in_order() -> None:
    rounds = [measured(150.0, 5.1), measured(190.0, 5.0), measured(170.0, 5.3)]

    row = median_round(rounds)

    # One round's fields together, never a rate from one round and a CPU time from another.
    assert (row["requests_per_second"], row["server_cpu_ms_per_request"]) == (170.0, 5.3)
    assert row["round_requests_per_second"] == [150.0, 190.0, 170.0]


def test_of_an_even_count_the_lower_middle_round_is_kept() -> None:
    row = median_round([measured(120.0, 8.0), measured(100.0, 9.0)])

    assert row["requests_per_second"] == 100.0


def test_one_round_is_its_own_median() -> None:
    (only,) = rounds = [measured(42.0, 7.0)]

    assert median_round(rounds) == {**only, "round_requests_per_second": [42.0]}


def test_the_stacks_take_turns_to_go_first_and_each_keeps_its_median_round() -> None:
    calls: list[str] = []
    rates = iter([100.0, 200.0, 300.0, 150.0, 120.0, 250.0])

    def measure(stack: str, model_backend: str) -> list[dict[str, Any]]:
        calls.append(stack)
        assert model_backend == STACKS[stack]
        return [{**measured(next(rates), 5.0), "stack": stack, "scenario": "authenticated_get"}]

    rows = taking_turns(3, measure)

    assert calls == ["django", "reference", "reference", "django", "django", "reference"]
    by_stack = {row["stack"]: row for row in rows}
    assert by_stack["django"]["round_requests_per_second"] == [100.0, 150.0, 120.0]
    assert by_stack["django"]["requests_per_second"] == 120.0
    assert by_stack["reference"]["round_requests_per_second"] == [200.0, 300.0, 250.0]
    assert by_stack["reference"]["requests_per_second"] == 250.0
