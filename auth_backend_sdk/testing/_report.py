"""Everything the ``check`` command and the pytest plugin print about a run.

* :func:`render_report`: one backend's report, as text; :func:`as_json`, as JSON;
* :func:`render_summary`: the table of several backends;
* :func:`measurement_lines`: thread hops and the worst stall, which the report and
  the pytest plugin's terminal summary both print;
* :class:`Progress`: the command's progress line on stderr.

Plain text only, on a terminal or not: tables go through the one aligner
``describe()``'s table uses (:func:`auth_backend_sdk._columns.align`). Nothing here
imports Django: the pytest plugin imports this module before settings exist.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .._columns import align
from ._ledger import Measurements

if TYPE_CHECKING:
    from ._runner import BackendReport, CheckResult

__all__ = [
    "Progress",
    "as_json",
    "measurement_lines",
    "render_json",
    "render_report",
    "render_reports",
    "render_summary",
]


def render_reports(reports: Sequence[BackendReport], *, as_json: bool = False) -> str:
    """What the command prints on stdout: each report and, for several, the summary; or JSON."""
    if as_json:
        return render_json(reports)
    text = "\n\n".join(render_report(report) for report in reports)
    if len(reports) > 1:
        text += "\n\n" + render_summary(reports)
    return text


def render_report(report: BackendReport) -> str:
    """One backend's report: its ``describe()`` table, capabilities, counts, failures, verdict."""
    lines = [report.description.table(), ""]
    names = ", ".join(sorted(c.value for c in report.capabilities)) or "none"
    if report.capabilities_inferred:
        lines.append(f"  capabilities (inferred): {names}")
        lines.extend(f"    {inference.reason}" for inference in report.inferences)
        lines.append(
            "    (declare capabilities in a contract class, with --contract, to change them)"
        )
    else:
        lines.append(f"  capabilities (declared): {names}")
    expected = report.count("expected failure")
    lines.append(
        f"  checks: {report.count('passed')} passed, {report.failed} failed, "
        f"{report.count('not run')} not run, {report.count('skipped')} skipped"
        + (f", {expected} expected failures" if expected else "")
        + f" ({report.seconds:.1f} s)"
    )
    for hook, results in report.missing_hooks().items():
        lines.append(f"    not run  write {hook}: {', '.join(_checks_and_modes(results))}")
    skipped = [result for result in report.results if result.status == "skipped"]
    for reason, results in _by_detail(skipped).items():
        lines.append(f"    skipped  ({reason}): {', '.join(_checks_and_modes(results))}")
    lines.extend(measurement_lines(report.measurements, indent="  "))
    for result in report.results:
        if result.counts_as_failure:
            mode = f" ({result.mode})" if result.mode else ""
            lines.append(f"  {result.status.upper()}  {result.check}{mode}")
            lines.extend("    " + line for line in result.detail.splitlines())
    lines.append(f"  => {report.verdict}")
    return "\n".join(lines)


def measurement_lines(measurements: Measurements, *, indent: str = "") -> list[str]:
    """Thread hops by async method, and the worst event-loop stall; nothing if not measured."""
    lines = []
    if measurements.hops:
        hops = " | ".join(f"{k} {v}" for k, v in measurements.hops.items())
        lines.append(f"{indent}thread hops: {hops}")
    worst = measurements.worst_stall
    if worst is not None:
        lines.append(f"{indent}worst event-loop stall: {worst[1]:.1f} ms ({worst[0]})")
    return lines


def _by_detail(results: list[CheckResult]) -> dict[str, list[CheckResult]]:
    grouped: dict[str, list[CheckResult]] = defaultdict(list)
    for result in results:
        grouped[result.detail].append(result)
    return grouped


def _checks_and_modes(results: list[CheckResult]) -> list[str]:
    """``check (sync, async)`` for each check among ``results``, in order."""
    modes: dict[str, list[str]] = defaultdict(list)
    for result in results:
        modes[result.check].extend([result.mode] if result.mode else [])
    shown = []
    for check, found in modes.items():
        ordered = sorted(found, key=("sync", "async").index)
        shown.append(f"{check} ({', '.join(ordered)})" if ordered else check)
    return shown


_SUMMARY_HEADER = (
    "backend",
    "passed",
    "failed",
    "not run",
    "skipped",
    "worst stall",
    "aauthenticate hops",
)


def render_summary(reports: Sequence[BackendReport]) -> str:
    """One row per backend: its counts, its worst stall and the thread hops of a login."""
    rows = [_SUMMARY_HEADER]
    for report in reports:
        worst = report.measurements.worst_stall
        rows.append(
            (
                report.path,
                str(report.count("passed")),
                str(report.failed),
                str(report.count("not run")),
                str(report.count("skipped")),
                "-" if worst is None else f"{worst[1]:.1f} ms",
                str(report.measurements.hops.get("aauthenticate", "-")),
            )
        )
    return "\n".join(align(rows))


def render_json(reports: Sequence[BackendReport]) -> str:
    """The ``--json`` document: one object per backend, in order."""
    return json.dumps([as_json(report) for report in reports], indent=2)


def as_json(report: BackendReport) -> dict[str, Any]:
    """One backend's report as ``--json`` prints it (docs/reference/check_command.md)."""
    worst = report.measurements.worst_stall
    return {
        "backend": report.path,
        "ok": report.ok,
        "complete": report.complete,
        "verdict": report.verdict,
        "contracts": report.contracts,
        "capabilities": sorted(c.value for c in report.capabilities),
        "capabilities_inferred": report.capabilities_inferred,
        "inferences": [
            {"capabilities": sorted(c.value for c in i.capabilities), "reason": i.reason}
            for i in report.inferences
        ],
        "describe": {
            p.pair.sync_name: {"sync": str(p.sync), "async": str(p.async_), "verdict": p.verdict}
            for p in report.description.pairs
            if not p.absent
        },
        "passed": report.count("passed"),
        "failed": report.failed,
        "skipped": report.count("skipped"),
        "not_run": report.count("not run"),
        "missing_hooks": {hook: len(results) for hook, results in report.missing_hooks().items()},
        "expected_failures": report.count("expected failure"),
        "checks": [
            {
                "test": r.test,
                "check": r.check,
                "mode": r.mode,
                "status": r.status,
                "detail": r.detail,
                **({"needs": r.needs} if r.needs else {}),
            }
            for r in report.results
        ],
        "hops": report.measurements.hops,
        "stalls_ms": {k: round(v, 1) for k, v in report.measurements.stalls_ms.items()},
        "worst_stall_ms": None if worst is None else round(worst[1], 1),
        "seconds": round(report.seconds, 2),
    }


# -- progress -------------------------------------------------------------------------------

_SHOWN_AFTER = 2.0
"""Seconds before the progress display appears: quick runs stay quiet."""
_PLAIN_EVERY = 10.0
"""Seconds between progress lines when the stream is not a terminal (CI logs)."""
_ERASE = "\r\033[K"
"""Back to the start of the line, and clear it."""
_CUT = "..."


class Progress:
    """One status line on a terminal, kept up to date; an occasional plain line elsewhere.

    On a terminal, the line is redrawn when what it says changes: a check starts or
    ends, or the elapsed seconds it shows go up, which a timer thread watches while a
    check runs. It is cut to the terminal's width, read at each redraw (a resized
    window counts), and erased by :meth:`finish`. Elsewhere (a CI log), a check
    starting or ending prints the line if the last one is ten seconds old.

    Write it to a stream of its own (the command gives it a masking stream over
    stderr): the timer thread flushes it at any time.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        total_backends: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.clock = clock
        self.started = clock()
        self.last_plain = self.started
        self.total_backends = total_backends
        self.backends_done = 0
        self.current = ""
        self.done = 0
        self.drawn = ""
        """The line on the terminal now; empty when none is."""
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._timer: threading.Thread | None = None
        if self.tty:
            self._timer = threading.Thread(
                target=self._tick, name="auth-backend-sdk progress", daemon=True
            )
            self._timer.start()

    def start(self, path: str, check: str) -> None:
        with self._lock:
            self.current = f"{path}: {check}"
            self._draw()

    def result(self, path: str, result: CheckResult) -> None:
        with self._lock:
            self.done += 1
            self._draw()

    def backend_finished(self) -> None:
        with self._lock:
            # Never past the last: the timer may redraw until finish().
            self.backends_done = min(self.backends_done + 1, max(self.total_backends - 1, 0))

    def finish(self) -> None:
        """Stop the timer and erase the line."""
        self._finished.set()
        if self._timer is not None:
            self._timer.join()
        with self._lock:
            if self.drawn:
                self.stream.write(_ERASE)
                self.stream.flush()
                self.drawn = ""

    def line(self, elapsed: float, width: int | None = None) -> str:
        """The status line; at most ``width`` characters, the start of the backend's path
        cut first (the check's name, at the end, says most)."""
        where = f"[{self.backends_done + 1}/{self.total_backends}]"
        start = f"{where} {self.done} checks done, {int(elapsed)} s; running "
        text = start + self.current
        if width is None or len(text) <= width:
            return text
        room = width - len(start)
        if room > len(_CUT):
            return start + _CUT + self.current[-(room - len(_CUT)) :]
        if width > len(_CUT):
            return text[: width - len(_CUT)] + _CUT
        return text[: max(width, 0)]

    def _tick(self) -> None:
        """Redraw when the elapsed seconds shown go up, until :meth:`finish`."""
        while True:
            elapsed = self.clock() - self.started
            # Just past the next whole second (or the moment the line first shows).
            wait = max(_SHOWN_AFTER - elapsed, 1.0 - elapsed % 1.0) + 0.01
            if self._finished.wait(wait):
                return
            with self._lock:
                if self.current:
                    self._draw()

    def _draw(self) -> None:
        now = self.clock()
        elapsed = now - self.started
        if elapsed < _SHOWN_AFTER:
            return
        if self.tty:
            # Not the last column: some terminals wrap as soon as it is written.
            line = self.line(elapsed, _width(self.stream) - 1)
            if line == self.drawn:
                return
            self.stream.write(_ERASE + line)
            self.drawn = line
        elif now - self.last_plain >= _PLAIN_EVERY:
            self.stream.write(self.line(elapsed) + "\n")
            self.last_plain = now
        else:
            return
        self.stream.flush()


def _width(stream: TextIO) -> int:
    """The width of the terminal ``stream`` writes to (not of stdin or stdout)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        return 80
