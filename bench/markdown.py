"""Results as Markdown: one table per measurement, and the document that gathers them.

``python -m bench.run`` prints one run with :func:`render`; ``python -m
bench.report`` writes every run, and the HTTP results, with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["CONTENDERS", "CONTENDER_LABELS", "render"]

CONTENDERS = ("django", "dual_mode", "reference")
"""The names results use for the backends (``bench.http_load`` too), in the order shown."""
DATABASE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CONTENDER_LABELS = {
    "django": "Django's",
    "dual_mode": "sync-only + dual_mode()",
    "reference": "reference",
}


def table(header: Sequence[str], align: str, rows: Iterable[Sequence[object]]) -> str:
    """``align``: one character per column, ``l`` or ``r``."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _times(ratio: float) -> str:
    return f"{ratio:.2f}x"


def runs_table(runs: list[dict[str, Any]]) -> str:
    body = []
    for results in runs:
        info = results["run"]
        iterations = info.get("hasher_iterations")
        hasher = f"{info['hasher']}, {iterations:,} iterations" if iterations else info["hasher"]
        quick = " (quick run: not for quoting)" if results.get("quick") else ""
        body.append(
            [
                info["django"] + quick,
                info["python"],
                info["asgiref"],
                DATABASE_LABELS.get(info["database"], info["database"]),
                info["cores"],
                hasher,
                info["date"],
                info.get("commit") or "",
            ]
        )
    header = [
        "Django",
        "Python",
        "asgiref",
        "database",
        "cores",
        "default hasher",
        "date",
        "commit",
    ]
    return table(header, "llllllll", body)


def async_hops_table(rows: list[dict[str, Any]]) -> str:
    header = ["async method", *(CONTENDER_LABELS[name] for name in CONTENDERS)]
    return table(
        header,
        "l" + "r" * len(CONTENDERS),
        ([row["method"], *(row["hops"][name] for name in CONTENDERS)] for row in rows),
    )


def async_latency_table(rows: list[dict[str, Any]]) -> str:
    header = ["async method", "Django's (µs)"]
    for name in CONTENDERS[1:]:
        header += [f"{CONTENDER_LABELS[name]} (µs)", "vs Django"]
    body = []
    for row in rows:
        cells = [row["method"], f"{row['median_us']['django']:.0f}"]
        for name in CONTENDERS[1:]:
            cells += [f"{row['median_us'][name]:.0f}", _times(row["vs_django"][name])]
        body.append(cells)
    return table(header, "l" + "r" * (len(header) - 1), body)


def logins_table(rows: list[dict[str, Any]]) -> str:
    header = [
        "concurrent logins",
        "backend",
        "longest stall (ms)",
        "of it on the loop (ms)",
        "logins/s",
        "of hashing limit",
        "vs Django",
    ]
    body: list[list[object]] = []
    for row in rows:
        n = row["concurrency"]
        for name in CONTENDERS:
            body.append(
                [
                    n,
                    CONTENDER_LABELS[name],
                    f"{row['stall_ms'][name]:.1f}",
                    f"{row['blocking_ms'][name]:.1f}",
                    f"{row['logins_per_second'][name]:.2f}",
                    f"{row['of_hashing_limit'][name]:.0%}",
                    _times(row["vs_django"][name]),
                ]
            )
        limit = f"{row['hashing_limit_per_second']:.2f}"
        body.append([n, "hashing limit", "", "", limit, "100%", ""])
    return table(header, "rlrrrrr", body)


def cold_permissions_table(result: dict[str, Any]) -> str:
    return table(
        ["cold ahas_perm()", "checks/s", "vs Django"],
        "lrr",
        (
            [
                CONTENDER_LABELS[name],
                f"{result['checks_per_second'][name]:.0f}",
                _times(result["vs_django"][name]),
            ]
            for name in CONTENDERS
        ),
    )


def derived_overhead_table(rows: list[dict[str, Any]]) -> str:
    return table(
        ["method", "derived (µs/call)", "hand-written (µs/call)", "ratio", "target"],
        "lrrrl",
        (
            [
                row["method"],
                f"{row['derived_us']:.1f}",
                f"{row['hand_written_us']:.1f}",
                f"{row['ratio']:.3f}",
                f"<= {row['target']} {'ok' if row['ratio'] <= row['target'] else 'MISSED'}",
            ]
            for row in rows
        ),
    )


def http_table(report: dict[str, Any]) -> str:
    """One ``bench.http_load`` results file; logins also against its hashing limit."""
    header = [
        "scenario",
        "concurrency",
        "backend",
        "requests/s",
        "vs Django",
        "of hashing limit",
        "p50 (ms)",
        "p99 (ms)",
        "errors / requests",
    ]
    results = report["results"]
    limit = report.get("hashing_limit_per_second")
    django_rates = {
        (row["scenario"], row["concurrency"]): row["requests_per_second"]
        for row in results
        if row["backend"] == "django"
    }
    scenarios = list(dict.fromkeys(row["scenario"] for row in results))
    backends = {name: index for index, name in enumerate(CONTENDERS)}
    body = []
    for row in sorted(
        results,
        key=lambda r: (scenarios.index(r["scenario"]), backends.get(r["backend"], len(backends))),
    ):
        rate = row["requests_per_second"]
        baseline = django_rates.get((row["scenario"], row["concurrency"]))
        body.append(
            [
                row["scenario"],
                row["concurrency"],
                CONTENDER_LABELS.get(row["backend"], row["backend"]),
                f"{rate:.2f}" if rate < 10 else f"{rate:.1f}",
                _times(rate / baseline) if baseline else "",
                f"{rate / limit:.0%}" if limit and row["scenario"] == "login" else "",
                _milliseconds(row["p50_ms"]),
                _milliseconds(row["p99_ms"]),
                f"{row['errors']} / {row['requests']}",
            ]
        )
    return table(header, "lrlrrrrrr", body)


def _milliseconds(value: float | None) -> str:
    """None when no request succeeded."""
    return "none succeeded" if value is None else f"{value:.1f}"


def _per_run(
    runs: list[dict[str, Any]],
    intro: str,
    render_table: Callable[[dict[str, Any]], str],
    detail: Callable[[dict[str, Any]], str] = lambda results: "",
) -> list[str]:
    """``intro``, then each run's table under its Django version (and ``detail``, if any)."""
    parts = [intro]
    for results in runs:
        extra = detail(results)
        label = f"Django {results['run']['django']}" + (f", {extra}" if extra else "")
        parts += [f"{label}:", render_table(results)]
    return parts


def render(
    runs: list[dict[str, Any]],
    *,
    http: list[dict[str, Any]] | None = None,
    missing_http: Sequence[str] = (),
    image: str | None = None,
    level: int = 2,
) -> str:
    """The Markdown of ``runs`` (``bench.run`` results), one section per measurement.

    ``http``: the ``bench.http_load`` results to show (None: no HTTP section);
    ``missing_http`` names the HTTP results files that were expected but absent.
    """
    h = "#" * level
    parts = [runs_table(runs)]
    if image:
        parts += [
            f"![Longest event-loop stall against concurrent logins]({image})",
            "The longest event-loop stall against concurrent logins, both axes logarithmic "
            "(reproduce with `make bench`).",
        ]
    parts += [f"{h} Thread hops per async call"]
    parts += _per_run(
        runs,
        "`SyncToAsync` calls during one call (the second: the first warms up). "
        "The RemoteUserBackend rows compare Django's `RemoteUserBackend`, a sync-only "
        "subclass of it made dual-mode, and the reference `RemoteUserBackend`.",
        lambda r: async_hops_table(r["async_methods"]["rows"]),
    )
    parts += [f"{h} Time per async call, MD5 hasher"]
    parts += _per_run(
        runs,
        "MD5 makes the hash negligible: this is the time around it. Each round times every "
        "backend back to back, taking turns to go first; times are medians over rounds, "
        "ratios the median of the per-round ratios to Django's backend.",
        lambda r: async_latency_table(r["async_methods"]["rows"]),
        lambda r: f"{r['async_methods']['rounds']} rounds of {r['async_methods']['calls']} calls",
    )
    parts += [f"{h} Concurrent logins, default hasher"]
    parts += _per_run(
        runs,
        "Concurrent `aauthenticate()` logins, each in its own `ThreadSensitiveContext` as "
        "Django's ASGI handler runs a request, after one unmeasured login per backend (imports, "
        "pool threads). Longest stall: the worst lateness of a 1 ms "
        "ticker on the event loop while the logins run; of it on the loop: the part the loop "
        "thread spent on the logins' own work (its CPU time, or found blocked in their code), "
        "which the machine's other load does not inflate. Hashing limit: as many "
        "`hashlib.pbkdf2_hmac` calls as logins, one thread per core, measured before and after.",
        lambda r: logins_table(r["logins"]),
        _login_counts,
    )
    parts += [f"{h} Cold permission checks"]
    parts += _per_run(
        runs,
        "`ahas_perm()` calls, the user's permission caches dropped before each.",
        lambda r: cold_permissions_table(r["cold_permissions"]),
        lambda r: f"{r['cold_permissions']['checks']} checks per backend",
    )
    parts += [f"{h} A derived method against a hand-written bridge"]
    parts += _per_run(
        runs,
        "Trivial bodies, so that only the bridging is measured; the ratio is the median of the "
        "per-round ratios.",
        lambda r: derived_overhead_table(r["derived_overhead"]["rows"]),
        lambda r: (
            f"{r['derived_overhead']['rounds']} rounds of "
            f"{r['derived_overhead']['calls']} calls per variant"
        ),
    )
    if http is not None:
        parts += [f"{h} HTTP load", *_http_parts(http, missing_http)]
    return "\n\n".join(parts) + "\n"


def _login_counts(results: dict[str, Any]) -> str:
    counts = ", ".join(f"{row['logins']} at {row['concurrency']}" for row in results["logins"])
    return f"logins per backend: {counts} concurrent"


def _http_parts(http: list[dict[str, Any]], missing: Sequence[str]) -> list[str]:
    parts = ["`python -m bench.http_load`: whole requests over HTTP to a real ASGI server."]
    for results in http:
        database = DATABASE_LABELS.get(results["database"], results["database"])
        limit = results.get("hashing_limit_per_second")
        limit_text = f", hashing limit {limit:.2f}/s" if limit else ""
        parts += [
            f"Django {results['django']}, Python {results['python']}, {database}{limit_text}:",
            http_table(results),
        ]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        parts.append(f"No HTTP results for this report: {names} absent.")
    return parts
