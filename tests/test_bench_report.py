"""``bench.report`` and ``bench.markdown``: the thread hops per request, the stack comparison over
HTTP with its goal and chart, the session store overhead, several workers on Redis, the shared
permission cache, and results that are not there yet.

Small results files written to ``tmp_path``: nothing here reads or writes ``bench/results/`` or
``docs/``, and nothing is measured. The charts need matplotlib (the ``bench`` extra): the tests
that draw them are skipped without it.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bench.markdown import (
    STACK_GOAL,
    load_warnings,
    render,
    session_hops_table,
    stack_comparisons,
    stacks_table,
)
from tests.bench_results import run_results

if TYPE_CHECKING:
    from bench.report import ReportPaths

needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="the charts need the bench extra"
)

QUIET = {"cores": 2, "other_cpu_percent": 1.0, "steal_percent": 0.0, "loaded": False}
LOADED = {**QUIET, "other_cpu_percent": 60.0, "loaded": True}


def http_row(backend: str, scenario: str, rate: float, **extra: Any) -> dict[str, Any]:
    return {
        "backend": backend,
        "scenario": scenario,
        "requests": 400,
        "errors": 0,
        "concurrency": 8,
        "requests_per_second": rate,
        "p50_ms": 1000 * 8 / rate,
        "p99_ms": 2000 * 8 / rate,
        "machine_load": QUIET,
        **extra,
    }


def http_results(
    database: str = "sqlite", *, stacks: dict[str, float] | None = None
) -> dict[str, Any]:
    """A small ``bench.http_load`` results file; ``stacks``: the reference stack's ratio to
    Django's per scenario (None: a file from before the stacks were compared)."""
    rows = [
        http_row("django", "authenticated_get", 50.0, stack="django"),
        http_row("reference", "authenticated_get", 60.0, stack="django"),
    ]
    for scenario, ratio in (stacks or {}).items():
        rows += [
            http_row("stack", scenario, 40.0, stack="django", server_cpu_ms_per_request=9.0),
            http_row(
                "stack",
                scenario,
                40.0 * ratio,
                stack="reference",
                server_cpu_ms_per_request=round(9.0 / ratio, 2),
            ),
        ]
    return {
        "django": "6.1.3",
        "python": "3.13.0",
        "database": database,
        "cpu_count": 2,
        "hashing_limit_per_second": 3.0,
        "results": rows,
        "machine_load": QUIET,
    }


def hops_results(database: str = "sqlite", *, read_only_reference: int = 1) -> dict[str, Any]:
    """A small ``bench.session_hops`` results file: two engines, two scenarios."""
    cells = [
        ("db", "read_only", 1, 3, read_only_reference),
        ("db", "authenticated", 2, 6, 2),
        ("signed_cookies", "read_only", 0, 2, 0),
        ("signed_cookies", "authenticated", 1, 5, 1),
    ]
    return {
        "run": {
            "django": "6.1.3",
            "django_series": "6.1",
            "python": "3.13.0",
            "database": database,
        },
        "repeats": 3,
        "baseline_hops": 2,
        "rows": [
            {
                "engine": engine,
                "scenario": scenario,
                "floor": floor,
                "hops": {"django": django, "reference": reference},
            }
            for engine, scenario, floor, django, reference in cells
        ],
        "above_floor": [],
    }


def sessions_results(database: str = "sqlite", *, load: dict[str, Any] = QUIET) -> dict[str, Any]:
    """A small ``bench.session_overhead`` results file."""
    return {
        "run": {
            "django": "6.1.3",
            "django_series": "6.1",
            "python": "3.13.0",
            "database": database,
        },
        "quick": False,
        "bridge": {
            "rounds": 31,
            "calls": 200,
            "rows": [
                {
                    "method": method,
                    "hops": {"dual_mode": 1, "hand_written": 1, "django": 1},
                    "median_us": {"dual_mode": 105.0, "hand_written": 100.0, "django": 95.0},
                    "vs_hand_written": {"ratio": ratio, "interval": [0.9, 1.1], "coverage": 0.95},
                    "django_vs_hand_written": 0.95,
                    "target": 1.05,
                }
                for method, ratio in (("aload", 1.02), ("asave", 1.2))
            ],
            "machine_load": load,
        },
        "in_memory": {"rounds": 31, "hops": [], "aset": {}, "machine_load": QUIET},
        "machine_load": QUIET,
        "hop_promises_broken": [],
    }


def workers_results(*, loaded_case: tuple[int, str] | None = None) -> dict[str, Any]:
    """A small ``bench.http_workers`` results file: 1 and 2 workers, the authenticated GET;
    ``loaded_case``: the (workers, stack) measured under load."""
    rates = {(1, "django"): 80.0, (1, "reference"): 120.0, (2, "django"): 100.0}
    rates[2, "reference"] = 160.0
    return {
        "django": "6.1.3",
        "python": "3.13.0",
        "database": "postgresql",
        "cpu_count": 2,
        "concurrency": 16,
        "requests": 600,
        "rounds": 3,
        "results": [
            {
                "workers": workers,
                "stack": stack,
                "backend": "stack",
                "scenario": "authenticated_get",
                "requests": 600,
                "errors": 0,
                "concurrency": 16,
                "requests_per_second": rate,
                "p50_ms": 16000 / rate,
                "p99_ms": 32000 / rate,
                "server_cpu_ms_per_request": 1200 / rate,
                "machine_load": LOADED if (workers, stack) == loaded_case else QUIET,
            }
            for (workers, stack), rate in rates.items()
        ],
        "machine_load": QUIET,
    }


def permission_cache_results() -> dict[str, Any]:
    """A small ``bench.permission_cache`` results file."""
    return {
        "run": {
            "django": "6.1.3",
            "django_series": "6.1",
            "python": "3.13.0",
            "database": "postgresql",
        },
        "checks": 2000,
        "concurrency": 8,
        "warm": [
            {
                "contender": contender,
                "queries_per_check": queries,
                "hops_per_check": queries,
                "checks_per_second": rate,
            }
            for contender, queries, rate in (
                ("django", 2.0, 400.0),
                ("reference", 1.0, 900.0),
                ("reference_shared", 0.0, 2000.0),
            )
        ],
        "churn": [
            {
                "change": "user groups",
                "change_every": 50,
                "users": 20,
                "hit_ratio": 0.98,
                "checks_per_second": 1900.0,
                "change_ms": {"cache": 4.0, "no_cache": 3.0},
            }
        ],
        "machine_load": LOADED,
    }


def write(directory: Path, name: str, results: dict[str, Any]) -> dict[str, Any]:
    """``results`` written as a results file and read back, as ``bench.report`` reads them."""
    path = directory / name
    path.write_text(json.dumps(results, indent=2) + "\n")
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


# The tables.


def test_the_hops_table_is_engine_by_scenario_with_djangos_the_reference_and_the_floor() -> None:
    assert session_hops_table(hops_results()).splitlines() == [
        "| engine | read-only | authenticated (auser + ahas_perm) |",
        "|---|---:|---:|",
        "| `db` | 3 / 1 / 1 | 6 / 2 / 2 |",
        "| `signed_cookies` | 2 / 0 / 0 | 5 / 1 / 1 |",
    ]


def test_the_hops_section_states_the_baseline_and_the_goal_met(tmp_path: Path) -> None:
    hops = write(tmp_path, "session-hops-6.1-sqlite.json", hops_results())

    page = render([run_results()], session_hops=[hops])

    assert "## Thread hops per request" in page
    assert "Django 6.1.3, Python 3.13.0, SQLite; each count is the request's hops minus " in page
    assert "the handler's own (2: no middleware, a view doing nothing):" in page
    assert "Reference at most the floor everywhere: ok." in page


def test_a_reference_above_the_floor_is_in_bold_and_the_goal_missed() -> None:
    page = render([run_results()], session_hops=[hops_results(read_only_reference=2)])

    assert "| `db` | 3 / **2** / 1 | 6 / 2 / 2 |" in page
    assert (
        "Reference at most the floor everywhere: MISSED (`db` read-only: 2 hops, floor 1)." in page
    )


def test_the_stack_goal_is_met_or_missed_on_the_authenticated_get_only(tmp_path: Path) -> None:
    met = write(tmp_path, "a.json", http_results(stacks={"authenticated_get": STACK_GOAL}))
    missed = write(
        tmp_path,
        "b.json",
        http_results("postgresql", stacks={"authenticated_get": 1.2, "read_write": 2.0}),
    )

    for row in missed["results"]:  # a file from before the server's CPU was measured
        row.pop("server_cpu_ms_per_request", None)

    lines = stacks_table([met, missed]).splitlines()

    assert lines[2:] == [
        "| 6.1.3 | SQLite | authenticated_get | 8 | 40.0 | 60.0 | 1.50x | >= 1.5x ok "
        "| 200.0 / 133.3 | 400.0 / 266.7 | 9.00 / 6.00 | quiet (others 0.02 cores, steal 0.0%) |",
        "| 6.1.3 | PostgreSQL | authenticated_get | 8 | 40.0 | 48.0 | 1.20x | >= 1.5x MISSED "
        "| 200.0 / 166.7 | 400.0 / 333.3 | not measured "
        "| quiet (others 0.02 cores, steal 0.0%) |",
        "| 6.1.3 | PostgreSQL | read_write | 8 | 40.0 | 80.0 | 2.00x |  "
        "| 200.0 / 100.0 | 400.0 / 200.0 | not measured | quiet (others 0.02 cores, steal 0.0%) |",
    ]


def test_a_comparison_with_a_side_under_load_shows_that_load() -> None:
    results = http_results(stacks={"authenticated_get": 2.0})
    results["results"][-1]["machine_load"] = LOADED

    assert "| **taken under load** (others 1.20 cores" in stacks_table([results])


def test_stack_rows_are_compared_stack_with_stack_not_with_the_backend_rows() -> None:
    (pair,) = stack_comparisons(http_results(stacks={"authenticated_get": 2.0}))

    assert (pair.django["backend"], pair.reference["backend"]) == ("stack", "stack")
    assert pair.ratio == 2.0


def test_without_stack_rows_the_comparison_is_not_measured_yet() -> None:
    page = render([run_results()], http=[http_results()], stacks_image="stacks.png")

    assert "## Django's stack against the reference stack over HTTP" in page
    assert "Not measured yet: no HTTP results file of this report has stack rows" in page
    assert "stacks.png" not in page
    assert stack_comparisons(http_results()) == []


def test_the_session_overhead_marks_its_target_and_its_load() -> None:
    sessions = sessions_results(load=LOADED)

    page = render([run_results()], sessions=[sessions])

    assert "| aload | 1 / 1 / 1 | 105 | 100 | 95 | 1.020 | <= 1.05 ok |" in page
    assert "| asave | 1 / 1 / 1 | 105 | 100 | 95 | 1.200 | <= 1.05 MISSED |" in page
    assert "none once the session is loaded: ok." in page
    assert "31 rounds of 200 calls per store, machine load **taken under load**" in page
    assert load_warnings([], [], [sessions]) == [
        "Taken under load: the session store overhead on Django 6.1.3, SQLite (the bridged "
        "calls): other processes or steal took a share of the CPU while these were measured. "
        "Their figures are not for quoting; rerun `make bench` on a quiet machine."
    ]


def test_the_workers_section_compares_the_stacks_at_each_worker_count() -> None:
    workers = workers_results(loaded_case=(2, "reference"))

    page = render([run_results()], workers=[workers])

    assert "### Several workers on Redis" not in page  # level 2 by default
    assert "## Several workers on Redis" in page
    assert (
        "| 1 | authenticated GET | 80.0 | 120.0 | 1.50x | 200.0 / 133.3 | 400.0 / 266.7 | "
        "15.00 / 10.00 | 0 |"
    ) in page
    assert "| 2 | authenticated GET | 100.0 | 160.0 | 1.60x |" in page
    assert load_warnings([], [], [], [workers]) == [
        "Taken under load: the several workers' HTTP load on Django 6.1.3, PostgreSQL (2 "
        "workers, reference authenticated_get): other processes or steal took a share of the "
        "CPU while these were measured. Their figures are not for quoting; rerun `make bench` "
        "on a quiet machine."
    ]


def test_the_permission_cache_section_shows_the_warm_check_and_the_churn() -> None:
    results = permission_cache_results()

    page = render([run_results()], permission_caches=[results])

    assert "## The shared permission cache" in page
    assert "| reference_shared | 0.0 | 0.0 | 2000.0 | 5.00x |" in page
    assert "| user groups | 50 | 20 | 98.0% | 1900.0 | 4.0 / 3.0 |" in page
    assert "Machine load: **taken under load**" in page
    assert load_warnings([], [], permission_caches=[results])[0].startswith(
        "Taken under load: the permission cache bench on Django 6.1.3, PostgreSQL (the whole run)"
    )


def test_absent_results_are_named_not_measured_yet() -> None:
    page = render(
        [run_results()],
        session_hops=[],
        missing_session_hops=["session-hops-6.1-sqlite.json"],
        sessions=[],
        missing_sessions=["sessions-6.1-sqlite.json"],
    )

    assert "Not measured yet: `session-hops-6.1-sqlite.json` absent" in page
    assert "Not measured yet: `sessions-6.1-sqlite.json` absent" in page


def test_bench_run_output_has_none_of_the_new_sections() -> None:
    page = render([run_results()])

    for title in (
        "over HTTP",
        "Thread hops per request",
        "Session store overhead",
        "Several workers",
        "The shared permission cache",
    ):
        assert title not in page


# The whole report, written under tmp_path.

PAGE = """# Performance

Hand-written text.

{begin}

old generated text

{end}

More hand-written text.
"""


def report_paths(tmp_path: Path) -> ReportPaths:
    """A results directory with a run of each Django line, a page, a charts directory."""
    from bench.report import BEGIN, END, ReportPaths

    paths = ReportPaths(
        results=tmp_path / "bench" / "results",
        page=tmp_path / "docs" / "performance.md",
        charts=tmp_path / "docs" / "_static" / "bench",
    )
    paths.results.mkdir(parents=True)
    paths.page.parent.mkdir(parents=True)
    paths.page.write_text(PAGE.format(begin=BEGIN, end=END))
    write(paths.results, "django-5.2.json", run_results("5.2", "5.2.19"))
    write(paths.results, "django-6.1.json", run_results())
    return paths


@needs_matplotlib
def test_the_report_draws_the_stack_chart_and_embeds_it(tmp_path: Path) -> None:
    from bench.report import write_report

    paths = report_paths(tmp_path)
    stacks = {"authenticated_get": 1.7, "read_write": 1.3}
    write(paths.results, "http-6.1-sqlite.json", http_results(stacks=stacks))
    write(paths.results, "http-6.1-postgresql.json", http_results("postgresql", stacks=stacks))
    write(paths.results, "session-hops-6.1-sqlite.json", hops_results())
    write(paths.results, "sessions-6.1-sqlite.json", sessions_results())
    write(paths.results, "workers-6.1-postgresql.json", workers_results())

    written, warnings = write_report(paths)

    assert paths.stacks_chart in written
    assert paths.stacks_chart.read_bytes().startswith(b"\x89PNG")
    assert paths.stall_chart.read_bytes().startswith(b"\x89PNG")
    report = (paths.results / "report.md").read_text()
    page = paths.page.read_text()
    assert "](../../docs/_static/bench/stacks.png)" in report
    assert "](_static/bench/stacks.png)" in page
    assert "| 6.1.3 | SQLite | authenticated_get | 8 | 40.0 | 68.0 | 1.70x | >= 1.5x ok" in page
    assert "### Thread hops per request" in page
    assert "| `db` | 3 / 1 / 1 | 6 / 2 / 2 |" in page
    assert (
        "Not measured yet: `session-hops-5.2-sqlite.json`, `session-hops-5.2-postgresql.json`, "
        "`session-hops-6.1-postgresql.json` absent"
    ) in page
    assert page.startswith("# Performance\n\nHand-written text.\n\n")
    assert page.endswith("\n\nMore hand-written text.\n")
    assert "old generated text" not in page
    combined = json.loads((paths.results / "report.json").read_text())
    assert combined["missing_session_hops"] == [
        "session-hops-5.2-sqlite.json",
        "session-hops-5.2-postgresql.json",
        "session-hops-6.1-postgresql.json",
    ]
    assert [r["database"] for r in combined["http"]] == ["sqlite", "postgresql"]
    # Several workers and the permission cache: measured on PostgreSQL only.
    assert combined["missing_workers"] == ["workers-5.2-postgresql.json"]
    assert combined["missing_permission_caches"] == [
        "permission-cache-5.2-postgresql.json",
        "permission-cache-6.1-postgresql.json",
    ]
    assert "### Several workers on Redis" in page
    assert "| 2 | authenticated GET | 100.0 | 160.0 | 1.60x |" in page
    assert warnings == []


@needs_matplotlib
def test_without_stack_rows_or_new_results_the_report_skips_the_chart_and_does_not_fail(
    tmp_path: Path,
) -> None:
    from bench.report import write_report

    paths = report_paths(tmp_path)
    write(paths.results, "http-6.1-sqlite.json", http_results())

    written, _ = write_report(paths)

    assert not paths.stacks_chart.exists()
    assert paths.stacks_chart not in written
    page = paths.page.read_text()
    assert "stacks.png" not in page
    assert "](_static/bench/stall.png)" in page
    assert "Not measured yet: no HTTP results file of this report has stack rows" in page
    assert "Not measured yet: `session-hops-5.2-sqlite.json`" in page
    assert "Not measured yet: `sessions-5.2-sqlite.json`" in page
