"""``bench.machine_load``: what other processes do to the machine while a benchmark measures,
and how the report marks results taken under load.

Other tests may be loading the machine meanwhile, so nothing here asserts that it is quiet:
only that CPU burnt on purpose is seen, and on the right side, ours or other.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bench.machine_load import (
    OTHER_CORES_LIMIT,
    MachineLoad,
    Snapshot,
    database_server,
    process_cpu_seconds,
    process_tree_cpu_seconds,
    sample_machine_load,
    summarize,
    supported,
)
from bench.markdown import load_summary, load_warnings, render
from tests import bench_results

linux_only = pytest.mark.skipif(not supported(), reason="the load is read from Linux's /proc")

BURN_SECONDS = 1.0
# Waits for a line on stdin, then burns BURN_SECONDS of its own CPU time: however busy the
# machine, that much CPU is used once it exits (wall time is never assumed).
BURNER = f"""
import sys, time
sys.stdin.readline()
start = time.process_time()
while time.process_time() - start < {BURN_SECONDS}:
    pass
"""
# Starts the burner, then waits for it ("wait": it stays in this test's process tree) or
# exits at once ("leave": the burner is reparented, out of this test's tree).
LAUNCHER = """
import subprocess, sys
burner = subprocess.Popen([sys.executable, "-c", sys.argv[1]], start_new_session=True)
print(burner.pid, flush=True)
if sys.argv[2] == "wait":
    burner.wait()
"""
# What may be lost, in CPU seconds, between the burner and the counts: ticks of 10 ms, and
# the moment the burner spends in this test's tree before it is reparented.
TOLERANCE = 0.3


class Burner:
    """A process burning CPU on :meth:`go`; :meth:`finish` returns once it has exited."""

    def __init__(self, *, in_our_tree: bool) -> None:
        self.launcher = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, BURNER, "wait" if in_our_tree else "leave"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.launcher.stdout is not None
        self.pid = int(self.launcher.stdout.readline())
        if not in_our_tree:
            self.launcher.wait()  # the burner is an orphan from now on

    def go(self) -> None:
        assert self.launcher.stdin is not None
        self.launcher.stdin.write("go\n")
        self.launcher.stdin.close()

    def finish(self) -> None:
        # The burner holds the pipe's other end until it exits.
        assert self.launcher.stdout is not None
        self.launcher.stdout.read()
        self.launcher.stdout.close()
        self.launcher.wait(timeout=120)


def cpu_seconds(load: MachineLoad, percent: float) -> float:
    """A percentage of all cores over ``load``'s window, as CPU seconds."""
    return percent / 100 * load.cores * load.seconds


def burnt_under_sampling(burner: Burner, also_ours: dict[str, int] | None = None) -> MachineLoad:
    with sample_machine_load(also_ours, interval=0.2) as recording:
        burner.go()
        burner.finish()
    assert recording.result is not None
    return recording.result


@linux_only
def test_a_busy_process_outside_the_benchmark_is_other_load_and_marks_it_loaded() -> None:
    load = burnt_under_sampling(Burner(in_our_tree=False))

    assert cpu_seconds(load, load.other_cpu_percent) >= BURN_SECONDS - TOLERANCE
    # Whatever else runs: the burner alone is more than the limit while the window lasts
    # (if it got less than that, it is because others had the cores).
    assert load.loaded is True
    assert load.samples >= 2
    assert load.ours == ("this benchmark's processes",)


@linux_only
def test_the_benchmarks_own_descendants_count_as_its_own_not_other() -> None:
    # A grandchild, reaped by its parent and that parent by this process inside the window:
    # its time moves into the reaping parents' counts, and stays ours.
    load = burnt_under_sampling(Burner(in_our_tree=True))

    assert cpu_seconds(load, load.own_cpu_percent) >= BURN_SECONDS - TOLERANCE


@linux_only
def test_a_process_cpu_time_is_what_the_kernel_counts_for_it() -> None:
    # time.process_time() reads the same counters (user and system time) at a finer grain.
    before, process_before = process_cpu_seconds(os.getpid()), time.process_time()
    while time.process_time() - process_before < BURN_SECONDS / 2:
        pass
    after, process_after = process_cpu_seconds(os.getpid()), time.process_time()

    assert before is not None
    assert after is not None
    # /proc counts whole ticks (10 ms): a tick at each end may be lost or gained.
    assert abs((after - before) - (process_after - process_before)) <= 0.05


# A launcher whose child shares its pipes: on "go" the child burns BURN_SECONDS, says so, and
# lives on, neither exited nor reaped, until the next line.
BURNS_THEN_WAITS_CHILD = f"""
import sys, time
sys.stdin.readline()
start = time.process_time()
while time.process_time() - start < {BURN_SECONDS}:
    pass
print("burnt", flush=True)
sys.stdin.readline()
"""
BURNS_THEN_WAITS = """
import subprocess, sys
subprocess.Popen([sys.executable, "-c", sys.argv[1]]).wait()
"""


@linux_only
def test_a_process_trees_cpu_time_holds_its_living_descendants() -> None:
    launcher = subprocess.Popen(
        [sys.executable, "-c", BURNS_THEN_WAITS, BURNS_THEN_WAITS_CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert launcher.stdin is not None
    assert launcher.stdout is not None
    try:
        before = process_tree_cpu_seconds(launcher.pid)
        launcher.stdin.write("go\n")
        launcher.stdin.flush()
        assert launcher.stdout.readline() == "burnt\n"
        in_the_tree = process_tree_cpu_seconds(launcher.pid)
        on_its_own = process_cpu_seconds(launcher.pid)
    finally:
        launcher.stdin.close()  # the child's next line: end of file
        launcher.wait(timeout=120)

    assert before is not None
    assert in_the_tree is not None
    assert on_its_own is not None
    assert in_the_tree - before >= BURN_SECONDS - TOLERANCE
    assert on_its_own < BURN_SECONDS / 2  # the burning was the child's, found through the tree


@linux_only
def test_a_gone_process_has_no_tree_cpu_time() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()

    assert process_tree_cpu_seconds(gone.pid) is None


@linux_only
def test_a_process_named_as_ours_counts_as_ours_though_outside_the_tree() -> None:
    burner = Burner(in_our_tree=False)  # as pg_ctl leaves the PostgreSQL server
    load = burnt_under_sampling(burner, {"the burner": burner.pid})

    assert cpu_seconds(load, load.own_cpu_percent) >= BURN_SECONDS - TOLERANCE
    assert load.ours == ("this benchmark's processes", "the burner")


def test_off_linux_or_not_the_recording_is_json_ready() -> None:
    with sample_machine_load() as recording:
        pass
    record = recording.as_json()
    if not supported():
        assert record is None
        return
    assert record is not None
    assert json.loads(json.dumps(record)) == record
    assert record["thresholds"] == {"other_cores": OTHER_CORES_LIMIT, "steal_percent": 5.0}
    assert isinstance(record["loaded"], bool)


# Summaries of hand-made snapshots: 2 cores, 100 ticks a second each.


def snapshot(at: float, busy: int, ours: int, steal: int = 0) -> Snapshot:
    return Snapshot(busy=busy, steal=steal, total=int(200 * at), ours=ours, cores=2, at=at)


def test_other_is_the_busy_time_that_is_not_ours() -> None:
    load = summarize([snapshot(0, 0, 0), snapshot(1, 100, 60), snapshot(2, 200, 120)])

    assert (load.other_cpu_percent, load.own_cpu_percent) == (20.0, 30.0)
    assert load.other_cores == pytest.approx(0.4)
    assert load.loaded is True


def test_a_window_one_tick_long_is_not_loaded_by_rounding() -> None:
    load = summarize([snapshot(0, 0, 0), snapshot(0.01, 2, 0)])

    assert load.other_cpu_percent == 100.0
    assert load.loaded is False


def test_steal_alone_marks_a_run_loaded() -> None:
    load = summarize([snapshot(0, 0, 0), snapshot(10, 100, 100, steal=200)])

    assert (load.other_cpu_percent, load.steal_percent) == (0.0, 10.0)
    assert load.loaded is True


def test_a_process_leaving_our_tree_does_not_turn_its_past_into_other_load() -> None:
    # Between the 2nd and 3rd snapshots, a descendant with 500 ticks is reparented away.
    load = summarize([snapshot(0, 0, 0), snapshot(5, 1000, 1000), snapshot(10, 1000, 500)])

    assert load.other_cpu_percent == 0.0
    assert load.loaded is False


def test_the_peak_is_the_busiest_interval() -> None:
    load = summarize([snapshot(0, 0, 0), snapshot(1, 150, 0), snapshot(10, 150, 0)])

    assert load.peak_other_cpu_percent == 75.0
    assert load.other_cpu_percent == 7.5


def test_no_database_server_without_a_running_postgresql_lock_file(tmp_path: Path) -> None:
    assert database_server({}) == {}
    env = {"ABS_PGHOST": str(tmp_path), "ABS_PGPORT": "5432"}
    assert database_server(env) == {}  # no lock file
    # A lock file naming a process that is not PostgreSQL (this one): stale.
    (tmp_path / ".s.PGSQL.5432.lock").write_text(f"{os.getpid()}\n{tmp_path}\n")
    assert database_server(env) == {}


# The report.

QUIET = MachineLoad(
    seconds=30.0,
    cores=2,
    other_cpu_percent=1.0,
    peak_other_cpu_percent=3.0,
    own_cpu_percent=95.0,
    steal_percent=0.5,
    samples=61,
    ours=("this benchmark's processes",),
    loaded=False,
).as_json()
LOADED = {**QUIET, "other_cpu_percent": 45.0, "loaded": True}


def run_results(loads: dict[str, Any] | None = None) -> dict[str, Any]:
    """A small ``bench.run`` results file; ``loads``: its machine loads, by place (None: an
    old file, without any)."""
    return bench_results.run_results(loads=loads, quiet=QUIET)


def http_results(load: dict[str, Any] | None) -> dict[str, Any]:
    """A small ``bench.http_load`` results file: one login row with ``load``, one without."""
    row = {
        "scenario": "login",
        "requests": 16,
        "errors": 0,
        "concurrency": 8,
        "requests_per_second": 2.9,
        "p50_ms": 2700.0,
        "p99_ms": 3100.0,
    }
    return {
        "django": "6.1.3",
        "python": "3.13.0",
        "database": "sqlite",
        "cpu_count": 2,
        "hashing_limit_per_second": 3.0,
        "results": [
            {**row, "backend": "django", "machine_load": load},
            {**row, "backend": "reference"},  # a file from before load was recorded
        ],
    }


def through_files(tmp_path: Path, name: str, results: dict[str, Any]) -> dict[str, Any]:
    """``results`` written as a results file and read back, as ``bench.report`` reads them."""
    path = tmp_path / name
    path.write_text(json.dumps(results, indent=2) + "\n")
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def test_a_result_taken_under_load_is_marked_and_named(tmp_path: Path) -> None:
    run = through_files(tmp_path, "django-6.1.json", run_results({"logins 8": LOADED}))
    http = through_files(tmp_path, "http-6.1-sqlite.json", http_results(LOADED))

    page = render([run], http=[http])

    assert (
        "> **Taken under load**: Django 6.1.3's run (logins at concurrency 8): other processes"
        in page
    )
    assert "> **Taken under load**: the HTTP load on Django 6.1.3, SQLite (Django's login)" in page
    assert (
        "| 8 | Django's | 5.0 | 1.0 | 2.90 | 97% | 1.00x | **taken under load** (others 0.90 "
        "cores, steal 0.5%) |"
    ) in page
    assert "| 1 | Django's | 5.0 | 1.0 | 2.90 | 97% | 1.00x | quiet (others 0.02 cores" in page
    assert "9 rounds of 200 calls, machine load quiet (others 0.02 cores, steal 0.5%):" in page
    assert load_warnings([run], [http]) == [
        line.removeprefix("> ").replace("**", "")
        for line in page.splitlines()
        if line.startswith("> **Taken under load**")
    ]


def test_results_from_before_load_was_recorded_show_it_as_not_recorded(tmp_path: Path) -> None:
    run = through_files(tmp_path, "django-6.1.json", run_results(None))
    http = {**http_results(None), "results": http_results(None)["results"][1:]}

    page = render([run], http=[through_files(tmp_path, "http-6.1-sqlite.json", http)])

    assert "| 2026-12-02 | abc1234 | not recorded |" in page
    assert "9 rounds of 200 calls, machine load not recorded:" in page
    assert "| 0 / 16 | not recorded |" in page
    assert "Taken under load" not in page
    assert load_summary(None) == "not recorded"


def test_a_quiet_run_has_no_warning(tmp_path: Path) -> None:
    run = through_files(tmp_path, "django-6.1.json", run_results({}))

    page = render([run], http=[])

    assert "| abc1234 | quiet (others 0.02 cores, steal 0.5%) |" in page
    assert "Taken under load" not in page
