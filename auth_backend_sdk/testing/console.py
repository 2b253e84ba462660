"""What the ``check`` command prints: a report per backend, a summary, and progress."""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from typing import TextIO

from .runner import BackendReport, CheckResult

__all__ = ["Progress", "render_report", "render_summary"]

_SHOWN_AFTER = 2.0
"""Seconds before the progress display appears: quick runs stay quiet."""
_PLAIN_EVERY = 10.0
"""Seconds between progress lines when stderr is not a terminal (CI logs)."""


class Progress:
    """One updating status line on a terminal; an occasional line elsewhere."""

    def __init__(self, stream: TextIO | None = None, total_backends: int = 1) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self.last_plain = self.started
        self.total_backends = total_backends
        self.backends_done = 0
        self.current = ""
        self.done = 0
        self.drawn = False

    def start(self, path: str, check: str) -> None:
        self.current = f"{path}: {check}"
        self._draw()

    def result(self, path: str, result: CheckResult) -> None:
        self.done += 1
        self._draw()

    def backend_finished(self) -> None:
        self.backends_done += 1

    def _draw(self) -> None:
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < _SHOWN_AFTER:
            return
        where = f"[{self.backends_done + 1}/{self.total_backends}]"
        line = f"{where} {self.done} checks done, {elapsed:.0f} s; running {self.current}"
        if self.tty:
            width = 100
            self.stream.write("\r\033[K" + line[:width])
            self.drawn = True
        elif now - self.last_plain >= _PLAIN_EVERY:
            self.stream.write(line + "\n")
            self.last_plain = now
        self.stream.flush()

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def render_report(report: BackendReport) -> str:
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
    lines.append(
        f"  checks: {report.count('passed')} passed, {report.failed} failed, "
        f"{report.count('not run')} not run, {report.count('skipped')} skipped"
        + (
            f", {report.count('expected failure')} expected failures"
            if report.count("expected failure")
            else ""
        )
        + f" ({report.seconds:.1f} s)"
    )
    for hook, results in report.missing_hooks().items():
        checks = ", ".join(_checks_and_modes(results))
        lines.append(f"    not run  write {hook}: {checks}")
    skipped = [result for result in report.results if result.status == "skipped"]
    for reason, results in _by_detail(skipped).items():
        lines.append(f"    skipped  ({reason}): {', '.join(_checks_and_modes(results))}")
    if report.measurements.hops:
        hops = " | ".join(f"{k} {v}" for k, v in report.measurements.hops.items())
        lines.append(f"  thread hops: {hops}")
    worst = report.measurements.worst_stall
    if worst is not None:
        lines.append(f"  worst event-loop stall: {worst[1]:.1f} ms ({worst[0]})")
    for result in report.results:
        if result.counts_as_failure:
            mode = f" ({result.mode})" if result.mode else ""
            lines.append(f"  {result.status.upper()}  {result.check}{mode}")
            lines.extend("    " + line for line in result.detail.splitlines())
    lines.append(f"  => {report.verdict}")
    return "\n".join(lines)


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


def render_summary(reports: list[BackendReport]) -> str:
    rows = [
        ("backend", "passed", "failed", "not run", "skipped", "worst stall", "aauthenticate hops")
    ]
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
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
