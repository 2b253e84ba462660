"""The report's charts.

* The stall chart: longest event-loop stall against concurrent logins. One
  panel per Django version, one line per backend, both axes logarithmic
  (Django 5.2's own backend stalls for seconds, the others for milliseconds).
* The stack chart: Django's stack against the reference stack over HTTP
  (``bench.http_load``'s stack rows). One column per Django line and
  database: requests/s above, latency below.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display, no GUI toolkit

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .markdown import (
    CONTENDER_LABELS,
    CONTENDERS,
    DATABASE_LABELS,
    STACK_GOAL,
    STACK_GOAL_SCENARIO,
    StackComparison,
    stack_comparisons,
)

__all__ = ["STALL_TARGET_MS", "stacks_chart", "stall_chart"]

STALL_TARGET_MS = 20.0
"""The reference backends' target (issue 3), drawn for scale."""


def stall_chart(runs: list[dict[str, Any]], path: str) -> None:
    """Write the chart of ``runs`` (``bench.run`` results) to ``path`` as a PNG."""
    figure, axes = plt.subplots(
        1, len(runs), figsize=(5.2 * len(runs), 4.2), sharey=True, squeeze=False
    )
    for panel, results in zip(axes[0], runs, strict=True):
        rows = results["logins"]
        concurrency = [row["concurrency"] for row in rows]
        for name, marker in zip(CONTENDERS, "osD", strict=True):
            stalls = [row["stall_ms"][name] for row in rows]
            panel.plot(concurrency, stalls, marker=marker, label=CONTENDER_LABELS[name])
        panel.axhline(STALL_TARGET_MS, color="grey", linestyle="--", linewidth=1)
        panel.text(concurrency[0], STALL_TARGET_MS * 1.15, "20 ms", color="grey", fontsize=8)
        panel.set_xscale("log", base=2)
        panel.set_yscale("log")
        panel.set_xticks(concurrency, [str(n) for n in concurrency])
        panel.set_xlabel("concurrent logins")
        info = results["run"]
        panel.set_title(f"Django {info['django']} (Python {info['python']})")
        panel.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel("longest event-loop stall (ms)")
    axes[0][0].legend(title="backend", fontsize=8)
    figure.suptitle("Longest event-loop stall during concurrent logins (make bench)")
    _save(figure, path)


STACK_COLOURS = {"django": "tab:blue", "reference": "tab:green"}
STACK_NAMES = {"django": "Django's stack", "reference": "reference stack"}
BAR_WIDTH = 0.38


def stacks_chart(http: list[dict[str, Any]], path: str) -> bool:
    """Write the stack chart of ``http`` (``bench.http_load`` results) to ``path`` as a PNG.

    False, and nothing written, when none of them compares the stacks.
    """
    panels = [(report, stack_comparisons(report)) for report in http]
    panels = [(report, pairs) for report, pairs in panels if pairs]
    if not panels:
        return False
    figure, axes = plt.subplots(
        2, len(panels), figsize=(4.6 * len(panels), 7.4), squeeze=False, sharex="col"
    )
    for column, (report, pairs) in enumerate(panels):
        rates, latency = axes[0][column], axes[1][column]
        _rate_bars(rates, pairs)
        _latency_bars(latency, pairs)
        database = DATABASE_LABELS.get(report["database"], report["database"])
        rates.set_title(f"Django {report['django']}, {database}")
        labels = [
            pair.label.replace(", ", "\n")
            if len({p.label for p in pairs}) == len(pairs)
            # One scenario at several concurrencies: tell them apart.
            else f"{pair.label}\n{pair.concurrency} concurrent"
            for pair in pairs
        ]
        latency.set_xticks(range(len(pairs)), labels)
    axes[0][0].set_ylabel("requests/s (higher is better)")
    axes[1][0].set_ylabel("latency, ms (bar: p50, whisker: p99)")
    axes[0][0].legend(fontsize=8, loc="upper left")
    figure.suptitle("Django's stack against the reference stack over HTTP (make bench)")
    _save(figure, path)
    return True


def _rate_bars(panel: Axes, pairs: list[StackComparison]) -> None:
    """Requests/s side by side; the ratio over the reference's bar, the goal where it is set."""
    for offset, stack in ((-BAR_WIDTH / 2, "django"), (BAR_WIDTH / 2, "reference")):
        rates = [getattr(pair, stack)["requests_per_second"] for pair in pairs]
        positions = [index + offset for index in range(len(pairs))]
        panel.bar(positions, rates, BAR_WIDTH, color=STACK_COLOURS[stack], label=STACK_NAMES[stack])
    top = max(
        max(pair.django["requests_per_second"], pair.reference["requests_per_second"])
        for pair in pairs
    )
    for index, pair in enumerate(pairs):
        x = index + BAR_WIDTH / 2
        if pair.scenario == STACK_GOAL_SCENARIO:
            goal = pair.django["requests_per_second"] * STACK_GOAL
            panel.hlines(
                goal, x - BAR_WIDTH / 2, x + BAR_WIDTH / 2, colors="black", linestyles="--"
            )
            panel.text(x, goal, f"goal {STACK_GOAL}x", ha="center", va="bottom", fontsize=7)
            top = max(top, goal)
        if pair.ratio is not None:
            rate = pair.reference["requests_per_second"]
            panel.text(
                x,
                rate / 2,
                f"{pair.ratio:.2f}x",
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold",
                color="white",
            )
    panel.set_ylim(0, top * 1.3 or 1)
    panel.grid(True, axis="y", alpha=0.3)


def _latency_bars(panel: Axes, pairs: list[StackComparison]) -> None:
    """p50 as a bar, p99 as a whisker above it; a side none of whose requests succeeded: none."""
    for offset, stack in ((-BAR_WIDTH / 2, "django"), (BAR_WIDTH / 2, "reference")):
        shown = [
            (index + offset, getattr(pair, stack))
            for index, pair in enumerate(pairs)
            if getattr(pair, stack)["p50_ms"] is not None
        ]
        if not shown:
            continue
        positions = [x for x, _ in shown]
        p50 = [row["p50_ms"] for _, row in shown]
        above = [row["p99_ms"] - row["p50_ms"] for _, row in shown]
        panel.bar(positions, p50, BAR_WIDTH, color=STACK_COLOURS[stack])
        panel.errorbar(
            positions, p50, yerr=[[0] * len(p50), above], fmt="none", ecolor="black", capsize=4
        )
    panel.set_ylim(bottom=0)
    panel.grid(True, axis="y", alpha=0.3)


def _save(figure: Figure, path: str) -> None:
    figure.tight_layout()
    # No timestamp in the file: a rerun with the same numbers gives the same bytes.
    figure.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(figure)
