"""The stall chart: longest event-loop stall against concurrent logins.

One panel per Django version, one line per backend, both axes logarithmic
(Django 5.2's own backend stalls for seconds, the others for milliseconds).
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display, no GUI toolkit

import matplotlib.pyplot as plt

from .markdown import CONTENDER_LABELS, CONTENDERS

__all__ = ["STALL_TARGET_MS", "stall_chart"]

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
    figure.tight_layout()
    # No timestamp in the file: a rerun with the same numbers gives the same bytes.
    figure.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(figure)
