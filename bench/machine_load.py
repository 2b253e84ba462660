"""The machine's load while a benchmark measures: CPU used by other processes, and steal.

    with sample_machine_load(database_server()) as load:
        ...  # the measurement
    row["machine_load"] = load.as_json()

Linux only (``/proc``); elsewhere nothing is sampled and the result is None,
"not recorded" in the report.

What counts. The kernel's ``/proc/stat`` gives the CPU time of the whole
machine: busy (user, nice, system, irq, softirq), steal (time the hypervisor
gave another guest) and the total. **Ours** is the CPU time of the benchmark's
process tree: this process, every process descending from it (the uvicorn
servers ``bench.http_load`` starts, the sampler itself) and the children they
reaped, read from ``/proc/<pid>/stat`` and found by walking parent pids; plus
any server named to :func:`sample_machine_load` with its own tree (the
PostgreSQL server, which ``pg_ctl`` detaches from the process that starts it:
see :func:`database_server`). **Other** is busy minus ours: every other
process on the machine. Interrupt time counts as busy, so that it is never
hidden: where the kernel does not charge it to a process
(``CONFIG_IRQ_TIME_ACCOUNTING``), the benchmark's own loopback traffic shows
as a little "other" time, never the reverse.

The samples are taken by a separate process every :data:`INTERVAL` seconds,
so that reading ``/proc`` never holds this process's GIL while a measurement
runs (an event-loop stall measurement would see it); its CPU time counts as
ours. The first sample is taken when the ``with`` block starts, the last when
it ends.

A run is **taken under load** (``loaded``) when other processes used more than
:data:`OTHER_CORES_LIMIT` of a core on average, or steal was above
:data:`STEAL_PERCENT_LIMIT`; see there why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = [
    "INTERVAL",
    "OTHER_CORES_LIMIT",
    "RESOLUTION_SECONDS",
    "STEAL_PERCENT_LIMIT",
    "MachineLoad",
    "Recording",
    "Snapshot",
    "database_server",
    "sample_machine_load",
    "summarize",
    "take_snapshot",
]

OTHER_CORES_LIMIT = 0.10
"""Other processes' CPU, in cores averaged over the measurement, above which a run is loaded.

Every login figure is a ratio to the hashing limit, one thread per core, or to
Django's backend measured seconds earlier: a tenth of a core taken by someone
else is 5% of a 2-core machine, already the size of the differences the
targets turn on (90% of the hashing limit, 1.05 for a bridge). An idle
machine's daemons stay well below it: a few hundredths of a core.
"""

STEAL_PERCENT_LIMIT = 5.0
"""Steal, in percent of all cores' time, above which a run is loaded.

On a virtual machine, steal is CPU time the hypervisor gave to another guest:
load that no process list shows. A few percent comes and goes on a shared
host; above 5% the cores are noticeably slower than when the hashing limit or
another contender was measured.
"""

RESOLUTION_SECONDS = 0.05
"""CPU time, in seconds, that may be misattributed between ours and other over one window.

``/proc`` counts whole ticks, and the kernel measures a process's time exactly
but the machine's by sampling at each timer tick; over a second or more the
two agree within a few ticks (10 ms each). ``loaded`` is judged on what is
left after taking this much off: a window of a few milliseconds, a tick or two
long, is never loaded by rounding alone.
"""

INTERVAL = 0.5
"""Seconds between samples: frequent enough for a peak, rare enough to cost nothing."""

OURS = "this benchmark's processes"
"""The name of what is always counted as ours."""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """CPU counters at one moment, in clock ticks (``USER_HZ``) summed over all cores."""

    busy: int
    steal: int
    total: int
    ours: int
    cores: int
    at: float  # time.monotonic(), seconds


@dataclasses.dataclass(frozen=True)
class MachineLoad:
    """The load during one measurement; percentages are of all the machine's cores."""

    seconds: float
    cores: int
    other_cpu_percent: float
    peak_other_cpu_percent: float  # the busiest interval between two samples
    own_cpu_percent: float
    steal_percent: float
    samples: int
    ours: tuple[str, ...]  # what counted as ours, besides other processes
    loaded: bool

    @property
    def other_cores(self) -> float:
        """Other processes' CPU in cores, averaged over the measurement."""
        return self.other_cpu_percent / 100 * self.cores

    def as_json(self) -> dict[str, Any]:
        """The results-file form: every field, and the thresholds ``loaded`` was judged by."""
        return {
            **dataclasses.asdict(self),
            "ours": list(self.ours),
            "thresholds": {
                "other_cores": OTHER_CORES_LIMIT,
                "steal_percent": STEAL_PERCENT_LIMIT,
            },
        }


# Reading /proc.


def _cpu_counters() -> tuple[int, int, int, int]:
    """(busy, steal, total, cores) from ``/proc/stat``."""
    with open("/proc/stat", encoding="ascii") as file:
        lines = file.read().splitlines()
    # user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is
    # already in user and nice.
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(value) for value in lines[0].split()[1:9]
    )
    cores = sum(1 for line in lines if line.startswith("cpu") and line[3].isdigit())
    busy = user + nice + system + irq + softirq
    return busy, steal, busy + idle + iowait + steal, cores


def _processes() -> dict[int, tuple[int, int]]:
    """pid: (parent pid, CPU ticks of the process and the children it reaped)."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as file:
                stat = file.read()
        except OSError:  # it exited meanwhile
            continue
        fields = _fields_after_the_name(stat)
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        found[int(name)] = (int(fields[1]), utime + stime + cutime + cstime)
    return found


def _tree_ticks(processes: Mapping[int, tuple[int, int]], roots: Sequence[int]) -> int:
    """CPU ticks of ``roots`` and all their descendants."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    seen: set[int] = set()
    waiting = [pid for pid in roots if pid in processes]
    while waiting:
        pid = waiting.pop()
        if pid not in seen:
            seen.add(pid)
            waiting += children.get(pid, [])
    return sum(processes[pid][1] for pid in seen)


def take_snapshot(roots: Sequence[int]) -> Snapshot:
    """The machine's counters now, with ``roots`` and their descendants as ours."""
    busy, steal, total, cores = _cpu_counters()
    ours = _tree_ticks(_processes(), roots)
    return Snapshot(busy, steal, total, ours, cores, time.monotonic())


# From snapshots to a result.


def summarize(snapshots: Sequence[Snapshot], ours: Sequence[str] = (OURS,)) -> MachineLoad:
    """The load between the first snapshot and the last.

    Our CPU time is summed interval by interval, each never below zero: a
    process that leaves our tree unreaped (its parent gone) takes its past
    CPU time with it, which must not show up as other processes' work.
    """
    if len(snapshots) < 2:
        raise ValueError("a load needs two snapshots at least")
    first, last = snapshots[0], snapshots[-1]
    total = max(last.total - first.total, 1)
    own = 0
    peak = 0.0
    for before, after in itertools.pairwise(snapshots):
        interval_own = max(after.ours - before.ours, 0)
        own += interval_own
        interval_total = after.total - before.total
        # Intervals shorter than half the usual one are too coarse, in ticks, for a peak.
        if interval_total >= INTERVAL / 2 * _ticks_per_second() * last.cores:
            interval_other = max(after.busy - before.busy - interval_own, 0)
            peak = max(peak, 100 * interval_other / interval_total)
    other = max(last.busy - first.busy - own, 0)
    steal = last.steal - first.steal
    other_percent = 100 * other / total
    steal_percent = 100 * steal / total
    slack = RESOLUTION_SECONDS * _ticks_per_second()
    other_cores = (other - slack) / total * last.cores
    return MachineLoad(
        seconds=round(last.at - first.at, 3),
        cores=last.cores,
        other_cpu_percent=round(other_percent, 2),
        peak_other_cpu_percent=round(max(peak, other_percent), 2),
        own_cpu_percent=round(100 * own / total, 2),
        steal_percent=round(steal_percent, 2),
        samples=len(snapshots),
        ours=tuple(ours),
        loaded=(
            other_cores > OTHER_CORES_LIMIT or 100 * (steal - slack) / total > STEAL_PERCENT_LIMIT
        ),
    )


def _ticks_per_second() -> int:
    """``USER_HZ``, the unit of ``/proc``'s counters (100 on every Linux port but a few)."""
    return os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# The sampler process and the context manager around it.


class Recording:
    """What :func:`sample_machine_load` yields; ``result`` is set when its block ends."""

    def __init__(self) -> None:
        self.result: MachineLoad | None = None

    def as_json(self) -> dict[str, Any] | None:
        """The results-file form; None where nothing was sampled (not Linux)."""
        return None if self.result is None else self.result.as_json()


def process_cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system) process ``pid`` has used so far; None where not Linux."""
    if not supported():
        return None
    with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as file:
        utime, stime = (int(value) for value in _fields_after_the_name(file.read())[11:13])
    return (utime + stime) / _ticks_per_second()


def process_tree_cpu_seconds(pid: int) -> float | None:
    """The CPU time process ``pid``, its descendants and the children they reaped have used
    so far (uvicorn's supervisor and its workers); None where not Linux or if ``pid`` is gone."""
    if not supported():
        return None
    processes = _processes()
    if pid not in processes:  # gone: its time with it
        return None
    return _tree_ticks(processes, [pid]) / _ticks_per_second()


def _fields_after_the_name(stat: str) -> list[str]:
    """The fields of a ``/proc/<pid>/stat`` line from the state on (the third field)."""
    # The command name, in parentheses, may hold spaces and parentheses itself.
    return stat[stat.rindex(")") + 2 :].split()


def supported() -> bool:
    """Whether this system has the ``/proc`` files sampled (Linux)."""
    return sys.platform.startswith("linux") and os.path.exists("/proc/stat")


@contextlib.contextmanager
def sample_machine_load(
    also_ours: Mapping[str, int] | None = None, *, interval: float = INTERVAL
) -> Iterator[Recording]:
    """Sample the machine's load while the block runs.

    ``also_ours``: name: pid of processes outside this one's tree whose work is
    the benchmark's all the same (a database server); each counts with its
    descendants. Not on Linux, the recording's result stays None.
    """
    also_ours = dict(also_ours or {})
    recording = Recording()
    if not supported():
        yield recording
        return
    roots = [os.getpid(), *also_ours.values()]
    command = [sys.executable, "-I", "-S", __file__, str(interval), *map(str, roots)]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as sampler:
        assert sampler.stdout is not None
        if sampler.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the load sampler did not start: {' '.join(command)}")
        try:
            yield recording
        finally:
            output, _ = sampler.communicate("stop\n", timeout=60)
    snapshots = [Snapshot(**fields) for fields in json.loads(output)]
    recording.result = summarize(snapshots, (OURS, *also_ours))


def _serve(interval: float, roots: list[int]) -> None:
    """The sampler process: snapshots until told to stop (or its parent's pipe closes)."""
    snapshots = [take_snapshot(roots)]
    print("ready", flush=True)
    while True:
        told, _, _ = select.select([sys.stdin], [], [], interval)
        snapshots.append(take_snapshot(roots))
        if told:
            break
    print(json.dumps([dataclasses.asdict(snapshot) for snapshot in snapshots]), flush=True)


# The database server.


def database_server(env: Mapping[str, str] = os.environ) -> dict[str, int]:
    """``{"the PostgreSQL server": pid}`` for the server ``ABS_PGHOST``/``ABS_PGPORT`` name.

    Its pid is the first line of the lock file next to its Unix socket in
    ``ABS_PGHOST``. Empty when no server is named or its lock file cannot be
    read: then its work counts as other processes', and runs on it look loaded.
    """
    host, port = env.get("ABS_PGHOST"), env.get("ABS_PGPORT")
    if not host or not port or not supported():
        return {}
    try:
        with open(os.path.join(host, f".s.PGSQL.{port}.lock"), encoding="ascii") as file:
            pid = int(file.readline())
        with open(f"/proc/{pid}/comm", encoding="utf-8") as file:
            running = file.read().strip() in {"postgres", "postmaster"}
    except (OSError, ValueError):  # no such file, or a stale one: the server is gone
        return {}
    return {"the PostgreSQL server": pid} if running else {}


def redis_server_process(url: str) -> dict[str, int]:
    """``{"the Redis server": pid}`` for the Redis server at ``url``, when it runs here.

    Redis names its pid (``INFO server``). Empty when it does not answer or runs
    elsewhere: then its work, if on this machine, counts as other processes'.
    """
    if not supported():
        return {}
    import redis

    try:
        with redis.Redis.from_url(url, socket_timeout=5) as client:
            pid = int(client.info("server")["process_id"])
        with open(f"/proc/{pid}/comm", encoding="utf-8") as file:
            running = file.read().strip() == "redis-server"
    except (redis.RedisError, OSError, KeyError, ValueError):
        return {}
    return {"the Redis server": pid} if running else {}


if __name__ == "__main__":
    _serve(float(sys.argv[1]), [int(pid) for pid in sys.argv[2:]])
