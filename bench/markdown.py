"""Results as Markdown: one table per measurement, and the document that gathers them.

``python -m bench.run`` prints one run with :func:`render`; ``python -m
bench.report`` writes every run, the HTTP results, the thread hops per request
(``bench.session_hops``), the session store overhead
(``bench.session_overhead``), several workers on Redis (``bench.http_workers``)
and the shared permission cache (``bench.permission_cache``) with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .machine_load import OTHER_CORES_LIMIT, STEAL_PERCENT_LIMIT
from .tables import table

__all__ = [
    "CONTENDERS",
    "CONTENDER_LABELS",
    "STACK_GOAL",
    "STACK_GOAL_SCENARIO",
    "StackComparison",
    "load_summary",
    "load_warnings",
    "loaded_results",
    "permission_cache_tables",
    "render",
    "session_hops_table",
    "stack_comparisons",
    "stacks_table",
    "workers_table",
]

CONTENDERS = ("django", "dual_mode", "reference")
"""The names results use for the backends (``bench.http_load`` too), in the order shown."""
DATABASE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CONTENDER_LABELS = {
    "django": "Django's",
    "dual_mode": "sync-only + dual_mode()",
    "reference": "reference",
}


def _times(ratio: float) -> str:
    return f"{ratio:.2f}x"


UNDER_LOAD = "**taken under load**"
LOAD_NOTE = (
    "Machine load: the CPU other processes used (in cores, averaged) and steal while a "
    "measurement ran, from `/proc` (`bench.machine_load`); "
    f"{UNDER_LOAD} when others used more than {OTHER_CORES_LIMIT} of a core or steal passed "
    f"{STEAL_PERCENT_LIMIT:.0f}% of the CPU time. Not recorded: results from before it was."
)


def load_summary(load: dict[str, Any] | None) -> str:
    """A ``machine_load`` record (:mod:`bench.machine_load`) in a few words.

    None, for results from before load was recorded or from a system without
    ``/proc``: "not recorded".
    """
    if not load:
        return "not recorded"
    verdict = UNDER_LOAD if load["loaded"] else "quiet"
    other_cores = load["other_cpu_percent"] / 100 * load["cores"]
    return f"{verdict} (others {other_cores:.2f} cores, steal {load['steal_percent']:.1f}%)"


def _loaded(load: dict[str, Any] | None) -> bool:
    return bool(load and load["loaded"])


def loaded_results(results: dict[str, Any]) -> list[str]:
    """The names of the measurements of a ``bench.run`` results file taken under load."""
    named = [
        ("the whole run", results.get("machine_load")),
        ("time per async call", results["async_methods"].get("machine_load")),
        *(
            (f"logins at concurrency {row['concurrency']}", row.get("machine_load"))
            for row in results["logins"]
        ),
        ("cold permission checks", results["cold_permissions"].get("machine_load")),
        ("derived method overhead", results["derived_overhead"].get("machine_load")),
    ]
    return [name for name, load in named if _loaded(load)]


def _http_loaded_results(report: dict[str, Any]) -> list[str]:
    """The same for a ``bench.http_load`` results file."""
    names = ["the whole run"] if _loaded(report.get("machine_load")) else []
    return names + [
        f"{CONTENDER_LABELS.get(row['backend'], row['backend'])} {row['scenario']}"
        for row in report["results"]
        if _loaded(row.get("machine_load"))
    ]


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
                load_summary(results.get("machine_load")),
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
        "machine load",
    ]
    return table(header, "lllllllll", body)


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
        "machine load",
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
                    # Once per concurrency: its rows were measured in one window.
                    load_summary(row.get("machine_load")) if name == CONTENDERS[0] else "",
                ]
            )
        limit = f"{row['hashing_limit_per_second']:.2f}"
        body.append([n, "hashing limit", "", "", limit, "100%", "", ""])
    return table(header, "rlrrrrrl", body)


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
        "machine load",
    ]
    results = report["results"]
    limit = report.get("hashing_limit_per_second")
    django_rates = {
        _comparison(row): row["requests_per_second"] for row in results if _is_djangos(row)
    }
    scenarios = list(dict.fromkeys(row["scenario"] for row in results))
    backends = {name: index for index, name in enumerate(CONTENDERS)}
    body = []
    for row in sorted(
        results,
        key=lambda r: (
            _is_stack_row(r),
            scenarios.index(r["scenario"]),
            backends.get(r["backend"], len(backends)),
            r.get("stack") != "django",
        ),
    ):
        rate = row["requests_per_second"]
        baseline = django_rates.get(_comparison(row))
        body.append(
            [
                row["scenario"],
                row["concurrency"],
                _contender_label(row),
                f"{rate:.2f}" if rate < 10 else f"{rate:.1f}",
                _times(rate / baseline) if baseline else "",
                f"{rate / limit:.0%}" if limit and row["scenario"] == "login" else "",
                _milliseconds(row["p50_ms"]),
                _milliseconds(row["p99_ms"]),
                f"{row['errors']} / {row['requests']}",
                load_summary(row.get("machine_load")),
            ]
        )
    return table(header, "lrlrrrrrrl", body)


STACK_LABELS = {
    "django": "Django's stack (db engine, middleware, ModelBackend)",
    "reference": "reference stack (db engine, middleware, ModelBackend)",
}
"""``bench.http_load`` rows comparing whole stacks (``"backend": "stack"``)."""


def _is_stack_row(row: dict[str, Any]) -> bool:
    return bool(row["backend"] == "stack")


def _is_djangos(row: dict[str, Any]) -> bool:
    if _is_stack_row(row):
        return bool(row.get("stack") == "django")
    return bool(row["backend"] == "django")


def _comparison(row: dict[str, Any]) -> tuple[bool, str, int, str]:
    """Rows compared with each other: backends with backends, stacks with stacks."""
    return _is_stack_row(row), row["scenario"], row["concurrency"], row.get("middleware", "full")


def _contender_label(row: dict[str, Any]) -> str:
    if _is_stack_row(row):
        label = STACK_LABELS.get(row.get("stack", ""), str(row.get("stack")))
        if row.get("middleware", "full") != "full":
            label += ", minimal middleware"
        return label
    return str(CONTENDER_LABELS.get(row["backend"], row["backend"]))


def _milliseconds(value: float | None) -> str:
    """None when no request succeeded."""
    return "none succeeded" if value is None else f"{value:.1f}"


# Django's stack against the reference stack over HTTP: the stack rows of ``bench.http_load``.

STACK_GOAL = 1.5
"""Issue 14's goal: the reference stack's requests/s at least this times Django's stack's, on
the read-only authenticated GET with db sessions (the engine the stack rows use)."""
STACK_GOAL_SCENARIO = "authenticated_get"


@dataclass(frozen=True)
class StackComparison:
    """Django's stack and the reference stack on one scenario and concurrency, in one run."""

    scenario: str
    concurrency: int
    django: dict[str, Any]
    reference: dict[str, Any]
    middleware: str = "full"
    """The site's middleware around the stack: ``full``, or ``minimal`` (``SITE_MIDDLEWARE``)."""

    @property
    def label(self) -> str:
        """The scenario, with the middleware when it is not the site's full list."""
        return self.scenario if self.middleware == "full" else f"{self.scenario}, minimal mw"

    @property
    def ratio(self) -> float | None:
        """The reference's requests/s over Django's; None when Django's stack served none."""
        baseline: float = self.django["requests_per_second"]
        return self.reference["requests_per_second"] / baseline if baseline else None

    @property
    def goal(self) -> str:
        """The goal and its verdict on the scenario it is set for; empty on the others."""
        if self.scenario != STACK_GOAL_SCENARIO:
            return ""
        if self.ratio is None:
            return f">= {STACK_GOAL}x: Django's stack served none"
        return f">= {STACK_GOAL}x {'ok' if self.ratio >= STACK_GOAL else 'MISSED'}"

    @property
    def machine_load(self) -> dict[str, Any] | None:
        """The load that weighs most on the comparison: a side taken under load, else any."""
        loads = [self.django.get("machine_load"), self.reference.get("machine_load")]
        return next((load for load in loads if _loaded(load)), loads[0] or loads[1])


def stack_comparisons(report: dict[str, Any]) -> list[StackComparison]:
    """The stack rows of a ``bench.http_load`` results file, Django's and the reference's paired.

    Files from before the stacks were compared have none; a scenario measured on one side only
    is left out (:func:`http_table` shows it).
    """
    rows = {
        (row["scenario"], row["concurrency"], row.get("middleware", "full"), row.get("stack")): row
        for row in report["results"]
        if _is_stack_row(row)
    }
    cases = dict.fromkeys(case[:3] for case in rows)
    return [
        StackComparison(
            scenario,
            concurrency,
            rows[scenario, concurrency, middleware, "django"],
            rows[scenario, concurrency, middleware, "reference"],
            middleware,
        )
        for scenario, concurrency, middleware in cases
        if (scenario, concurrency, middleware, "django") in rows
        and (scenario, concurrency, middleware, "reference") in rows
    ]


def stacks_table(http: list[dict[str, Any]]) -> str:
    """Every stack comparison of ``http`` (``bench.http_load`` results files) in one table."""
    header = [
        "Django",
        "database",
        "scenario",
        "concurrency",
        "Django's stack (requests/s)",
        "reference stack (requests/s)",
        "reference vs Django's",
        "goal",
        "p50 (ms), Django's / reference",
        "p99 (ms), Django's / reference",
        "server CPU (ms/request), Django's / reference",
        "machine load",
    ]
    body = []
    for report in http:
        for pair in stack_comparisons(report):
            body.append(
                [
                    report["django"],
                    DATABASE_LABELS.get(report["database"], report["database"]),
                    pair.label,
                    pair.concurrency,
                    _rate(pair.django["requests_per_second"]),
                    _rate(pair.reference["requests_per_second"]),
                    "" if pair.ratio is None else _times(pair.ratio),
                    pair.goal,
                    _side_by_side(pair, "p50_ms"),
                    _side_by_side(pair, "p99_ms"),
                    _cpu_side_by_side(pair),
                    load_summary(pair.machine_load),
                ]
            )
    return table(header, "lllrrrrlrrrl", body)


def _rate(rate: float) -> str:
    return f"{rate:.2f}" if rate < 10 else f"{rate:.1f}"


def _side_by_side(pair: StackComparison, key: str) -> str:
    return f"{_milliseconds(pair.django[key])} / {_milliseconds(pair.reference[key])}"


def _cpu_side_by_side(pair: StackComparison) -> str:
    """Files from before it was measured, or from elsewhere than Linux, have no server CPU."""
    key = "server_cpu_ms_per_request"
    django_cpu, reference_cpu = pair.django.get(key), pair.reference.get(key)
    if django_cpu is None or reference_cpu is None:
        return "not measured"
    return f"{django_cpu:.2f} / {reference_cpu:.2f}"


def _stack_parts(http: list[dict[str, Any]], image: str | None) -> list[str]:
    parts = [
        "The stack rows of the HTTP load: Django's stack (its `db` session engine, "
        "`SessionMiddleware`, `AuthenticationMiddleware` and `ModelBackend`) against the "
        "reference stack (`reference_backends.sessions.db`, `reference_backends.middleware` and "
        "`reference_backends.ModelBackend`), each server in turn in one run. "
        "`authenticated_get` reads the session, `await request.auser()` and one "
        "`ahas_perm()`; `read_write` also changes the session, so that it is saved. "
        f"Goal: at least {STACK_GOAL}x Django's requests/s on `{STACK_GOAL_SCENARIO}` "
        "with db sessions. Each stack is measured in rounds, the stacks taking turns to go "
        "first; a row is the round with the median requests/s. The load generator shares the "
        "machine with the server: the server's CPU time per request is the stack's own cost, "
        "whatever the client takes."
    ]
    if not any(stack_comparisons(report) for report in http):
        parts.append(
            "Not measured yet: no HTTP results file of this report has stack rows "
            '(`"backend": "stack"`); `make bench` writes them.'
        )
        return parts
    if image:
        parts += [
            f"![Django's stack against the reference stack over HTTP]({image})",
            "Requests/s of each stack, the reference's ratio to Django's written on its bar, "
            "and the latency (bar: p50, whisker: p99), per Django line and database "
            "(reproduce with `make bench`).",
        ]
    parts.append(stacks_table(http))
    return parts


# Thread hops per request through the session and auth middleware (``bench.session_hops``).

HOP_SCENARIO_LABELS = {
    "new_session": "new session",
    "read_write": "read+write",
    "read_only": "read-only",
    "authenticated": "authenticated (auser + ahas_perm)",
}
"""``bench.session_hops``'s scenarios, named as its own output names them."""

HOP_ENGINE_LABELS = {"cache_on_redis": "`cache` on Redis"}
"""``bench.session_hops``'s engines that are not a session engine's module name."""


def _hop_engine_label(engine: str) -> str:
    return HOP_ENGINE_LABELS.get(engine, f"`{engine}`")


def session_hops_table(results: dict[str, Any]) -> str:
    """One ``bench.session_hops`` results file: engine by scenario, each cell
    "Django's / reference / floor", a reference above the floor in bold."""
    rows = results["rows"]
    scenarios = list(dict.fromkeys(row["scenario"] for row in rows))
    engines = list(dict.fromkeys(row["engine"] for row in rows))
    cells = {(row["engine"], row["scenario"]): row for row in rows}
    header = ["engine", *(HOP_SCENARIO_LABELS.get(name, name) for name in scenarios)]
    body = [
        [
            _hop_engine_label(engine),
            *(_hops_cell(cells.get((engine, name))) for name in scenarios),
        ]
        for engine in engines
    ]
    return table(header, "l" + "r" * len(scenarios), body)


def _hops_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    reference = row["hops"]["reference"]
    shown = f"**{reference}**" if reference > row["floor"] else str(reference)
    return f"{row['hops']['django']} / {shown} / {row['floor']}"


def hops_above_floor(results: dict[str, Any]) -> list[str]:
    """Where the reference stack of a ``bench.session_hops`` results file hops above the floor."""
    return [
        f"{_hop_engine_label(row['engine'])} "
        f"{HOP_SCENARIO_LABELS.get(row['scenario'], row['scenario'])}: "
        f"{row['hops']['reference']} hops, floor {row['floor']}"
        for row in results["rows"]
        if row["hops"]["reference"] > row["floor"]
    ]


def _session_hops_parts(hops: list[dict[str, Any]], missing: Sequence[str]) -> list[str]:
    parts = [
        "`python -m bench.session_hops`: the `SyncToAsync` calls one request makes through the "
        "session and authentication middleware, under Django's `AsyncClient`. Django's stack "
        "(Django's session engine, middleware and `ModelBackend`) against the reference stack "
        "(`reference_backends.sessions.<engine>`, `reference_backends.middleware`, "
        "`reference_backends.ModelBackend`). The floor is one hop per phase that must reach the "
        "sync ORM or the cache (the user and their permissions share one with the reference "
        "`ModelBackend`), none for signed cookies, nor for Redis, which redis-py's asyncio client "
        "reaches from the event loop (`cache` on Redis: Django's `RedisCache`, with the "
        "reference `ModelBackend`'s permission cache there too). Each cell: Django's stack / "
        "the reference / the floor. Goal: the reference at most the floor everywhere."
    ]
    for results in hops:
        info = results["run"]
        database = DATABASE_LABELS.get(info["database"], info["database"])
        above = hops_above_floor(results)
        verdict = f"MISSED ({'; '.join(above)})" if above else "ok"
        parts += [
            f"Django {info['django']}, Python {info['python']}, {database}; each count is the "
            f"request's hops minus the handler's own ({results['baseline_hops']}: no middleware, "
            "a view doing nothing):",
            session_hops_table(results),
            f"Reference at most the floor everywhere: {verdict}.",
        ]
    if missing:
        parts.append(_not_measured(missing))
    return parts


# What an adapted session store costs per call (``bench.session_overhead``).

SESSION_STORES = ("dual_mode", "hand_written", "django")
SESSION_STORE_LABELS = {
    "dual_mode": "dual_mode()",
    "hand_written": "hand-written bridge",
    "django": "Django's db store",
}


def session_overhead_table(results: dict[str, Any]) -> str:
    """The bridged calls of one ``bench.session_overhead`` results file."""
    header = [
        "method",
        "hops (dual_mode() / hand-written / Django's)",
        *(f"{SESSION_STORE_LABELS[name]} (µs)" for name in SESSION_STORES),
        "dual_mode() / hand-written",
        "target",
    ]
    body = []
    for row in results["bridge"]["rows"]:
        ratio = row["vs_hand_written"]["ratio"]
        body.append(
            [
                row["method"],
                " / ".join(str(row["hops"][name]) for name in SESSION_STORES),
                *(f"{row['median_us'][name]:.0f}" for name in SESSION_STORES),
                f"{ratio:.3f}",
                f"<= {row['target']} {'ok' if ratio <= row['target'] else 'MISSED'}",
            ]
        )
    return table(header, "lrrrrrl", body)


def _session_overhead_parts(sessions: list[dict[str, Any]], missing: Sequence[str]) -> list[str]:
    parts = [
        "`python -m bench.session_overhead`: a database session store with sync overrides of "
        "`load` and `save` (trivial bodies), in async mode, made dual-mode with `dual_mode()`, "
        "against the same store bridged by hand with `sync_to_async` and Django's db store as "
        "shipped. Times are medians over rounds, the ratio the median of the per-round ratios."
    ]
    for results in sessions:
        info, bridge = results["run"], results["bridge"]
        database = DATABASE_LABELS.get(info["database"], info["database"])
        quick = " (quick run: not for quoting)" if results.get("quick") else ""
        broken = results.get("hop_promises_broken", [])
        hops = f"MISSED ({'; '.join(broken)})" if broken else "ok"
        parts += [
            f"Django {info['django']}, Python {info['python']}, {database}{quick}, "
            f"{bridge['rounds']} rounds of {bridge['calls']} calls per store, machine load "
            f"{load_summary(bridge.get('machine_load'))}:",
            session_overhead_table(results),
            "Thread hops with in-memory overrides (`__setitem__`, `get`) on the adapted store: "
            f"as many as Django's store, none once the session is loaded: {hops}.",
        ]
    if missing:
        parts.append(_not_measured(missing))
    return parts


def _sessions_loaded_results(results: dict[str, Any]) -> list[str]:
    """The names of the measurements of a ``bench.session_overhead`` file taken under load."""
    named = [
        ("the whole run", results.get("machine_load")),
        ("the bridged calls", results["bridge"].get("machine_load")),
        ("the in-memory overrides", results["in_memory"].get("machine_load")),
    ]
    return [name for name, load in named if _loaded(load)]


# Several workers on Redis (``bench.http_workers``) and the shared permission cache
# (``bench.permission_cache``): each bench prints its results with these too.

WORKER_SCENARIO_LABELS = {"authenticated_get": "authenticated GET", "read_write": "read+write"}


def _workers_cell(row: dict[str, Any] | None, key: str, digits: int) -> str:
    if row is None or row.get(key) is None:
        return "-"
    return f"{row[key]:.{digits}f}"


def _workers_pair(pair: list[dict[str, Any] | None], key: str, digits: int) -> str:
    return " / ".join(_workers_cell(row, key, digits) for row in pair)


def workers_table(report: dict[str, Any]) -> str:
    """A ``bench.http_workers`` results file as Markdown: a line on the run, then a row per
    worker count and scenario, Django's stack beside the reference."""
    rows = {(row["workers"], row["scenario"], row["stack"]): row for row in report["results"]}
    cases = list(dict.fromkeys((row["workers"], row["scenario"]) for row in report["results"]))
    body = []
    for count, scenario in cases:
        pair = [rows.get((count, scenario, stack)) for stack in ("django", "reference")]
        django_row, reference = pair
        ratio = (
            f"{reference['requests_per_second'] / django_row['requests_per_second']:.2f}x"
            if django_row and reference and django_row["requests_per_second"]
            else "-"
        )
        body.append(
            [
                count,
                WORKER_SCENARIO_LABELS.get(scenario, scenario),
                _workers_cell(django_row, "requests_per_second", 1),
                _workers_cell(reference, "requests_per_second", 1),
                ratio,
                _workers_pair(pair, "p50_ms", 1),
                _workers_pair(pair, "p99_ms", 1),
                _workers_pair(pair, "server_cpu_ms_per_request", 2),
                sum(row["errors"] for row in pair if row),
            ]
        )
    header = [
        "workers",
        "scenario",
        "Django's req/s",
        "reference req/s",
        "ratio",
        "p50 ms",
        "p99 ms",
        "server CPU ms/req",
        "errors",
    ]
    database = DATABASE_LABELS.get(report["database"], report["database"])
    intro = (
        f"uvicorn workers on Redis sessions: Django {report['django']}, Python "
        f"{report['python']}, {database}, {report['cpu_count']} cores, "
        f"{report['concurrency']} clients, median of {report['rounds']} rounds. "
        "Pairs: Django's stack / the reference."
    )
    return f"{intro}\n\n{table(header, 'rlrrrrrrr', body)}"


def permission_cache_tables(results: dict[str, Any]) -> str:
    """A ``bench.permission_cache`` results file as Markdown: the warm check, then the churn."""
    info = results["run"]
    warm = table(
        ["contender", "queries/check", "hops/check", "checks/s", "vs Django's"],
        "lrrrr",
        (
            [
                row["contender"],
                row["queries_per_check"],
                row["hops_per_check"],
                row["checks_per_second"],
                f"{row['checks_per_second'] / results['warm'][0]['checks_per_second']:.2f}x",
            ]
            for row in results["warm"]
        ),
    )
    churn = table(
        ["change", "every", "users", "hit ratio", "checks/s", "change ms, cache / none"],
        "lrrrrr",
        (
            [
                row["change"],
                row["change_every"],
                row["users"],
                f"{row['hit_ratio']:.1%}",
                row["checks_per_second"],
                f"{row['change_ms']['cache']} / {row['change_ms']['no_cache']}",
            ]
            for row in results["churn"]
        ),
    )
    return (
        f"A warm ahas_perm() on a fresh user: Django {info['django']}, {info['database']}, "
        f"{results['concurrency']} at a time.\n\n{warm}\n\nThe shared cache under churn:\n\n{churn}"
    )


def _workers_parts(workers: list[dict[str, Any]], missing: Sequence[str]) -> list[str]:
    parts = [
        "`python -m bench.http_workers`: the example site under uvicorn with several workers "
        "(their count in the first column), its sessions in Redis: Django's stack (its `cache` "
        "session engine on `RedisCache`, middleware and `ModelBackend`) against the reference "
        "stack (`reference_backends.sessions.cache`, `reference_backends.middleware`, "
        "`reference_backends.ModelBackend` with its permission cache in the same Redis), within "
        "the site's minimal middleware. A connection per request: whichever worker accepts it "
        "first serves it; the load generator, the workers, the database and Redis share the "
        "machine's cores. Server CPU counts every worker."
    ]
    for report in workers:
        parts += [
            workers_table(report),
            f"Machine load over the run: {load_summary(report.get('machine_load'))}.",
        ]
    if missing:
        parts.append(_not_measured(missing))
    return parts


def _workers_loaded_results(report: dict[str, Any]) -> list[str]:
    """The names of the measurements of a ``bench.http_workers`` file taken under load."""
    names = ["the whole run"] if _loaded(report.get("machine_load")) else []
    return names + [
        f"{row['workers']} workers, {row['stack']} {row['scenario']}"
        for row in report["results"]
        if _loaded(row.get("machine_load"))
    ]


def _permission_cache_parts(results: list[dict[str, Any]], missing: Sequence[str]) -> list[str]:
    parts = [
        "`python -m bench.permission_cache`: a warm `ahas_perm()` on a fresh user object, as "
        "each request has one: Django's `ModelBackend`, the reference `ModelBackend`, and the "
        "reference with `REFERENCE_BACKENDS_PERMISSION_CACHE` on Django's `RedisCache` "
        "(`reference_shared`). Queries and hops are counted, checks/s timed. Then the shared "
        "cache while permissions change: the hit ratio, and what a change costs with the "
        "cache's invalidation and without."
    ]
    for report in results:
        parts += [
            permission_cache_tables(report),
            f"Machine load: {load_summary(report.get('machine_load'))}.",
        ]
    if missing:
        parts.append(_not_measured(missing))
    return parts


def _not_measured(missing: Sequence[str]) -> str:
    names = ", ".join(f"`{name}`" for name in missing)
    return f"Not measured yet: {names} absent (`make bench` writes them)."


def _per_run(
    runs: list[dict[str, Any]],
    intro: str,
    render_table: Callable[[dict[str, Any]], str],
    detail: Callable[[dict[str, Any]], str] = lambda results: "",
    section: str | None = None,
) -> list[str]:
    """``intro``, then each run's table under its Django version (and ``detail``, if any).

    ``section``: the key of the run's results whose machine load the label shows.
    """
    parts = [intro]
    for results in runs:
        extras = [detail(results)]
        if section:
            load = results[section].get("machine_load")
            extras.append(f"machine load {load_summary(load)}")
        label = ", ".join([f"Django {results['run']['django']}", *filter(None, extras)])
        parts += [f"{label}:", render_table(results)]
    return parts


def load_warnings(
    runs: list[dict[str, Any]],
    http: list[dict[str, Any]],
    sessions: Sequence[dict[str, Any]] = (),
    workers: Sequence[dict[str, Any]] = (),
    permission_caches: Sequence[dict[str, Any]] = (),
) -> list[str]:
    """A warning, in plain text, for each results file with a measurement taken under load.

    ``sessions``, ``workers``, ``permission_caches``: ``bench.session_overhead``,
    ``bench.http_workers`` and ``bench.permission_cache`` results files
    (``bench.session_hops`` counts hops, deterministic, and records no load).
    """
    named = [(f"Django {r['run']['django']}'s run", loaded_results(r)) for r in runs]
    named += [
        (
            f"the HTTP load on Django {report['django']}, "
            f"{DATABASE_LABELS.get(report['database'], report['database'])}",
            _http_loaded_results(report),
        )
        for report in http
    ]
    named += [
        (
            f"the session store overhead on Django {results['run']['django']}, "
            f"{DATABASE_LABELS.get(results['run']['database'], results['run']['database'])}",
            _sessions_loaded_results(results),
        )
        for results in sessions
    ]
    named += [
        (
            f"the several workers' HTTP load on Django {report['django']}, "
            f"{DATABASE_LABELS.get(report['database'], report['database'])}",
            _workers_loaded_results(report),
        )
        for report in workers
    ]
    named += [
        (
            f"the permission cache bench on Django {results['run']['django']}, "
            f"{DATABASE_LABELS.get(results['run']['database'], results['run']['database'])}",
            ["the whole run"] if _loaded(results.get("machine_load")) else [],
        )
        for results in permission_caches
    ]
    return [
        f"Taken under load: {what} ({', '.join(names)}): other processes or "
        "steal took a share of the CPU while these were measured. Their figures are not for "
        "quoting; rerun `make bench` on a quiet machine."
        for what, names in named
        if names
    ]


def _quote_warning(warning: str) -> str:
    """A plain ``"Title: text"`` warning as a Markdown block quote, its title in bold."""
    title, text = warning.split(": ", 1)
    return f"> **{title}**: {text}"


def render(
    runs: list[dict[str, Any]],
    *,
    http: list[dict[str, Any]] | None = None,
    missing_http: Sequence[str] = (),
    image: str | None = None,
    level: int = 2,
    stacks_image: str | None = None,
    session_hops: list[dict[str, Any]] | None = None,
    missing_session_hops: Sequence[str] = (),
    sessions: list[dict[str, Any]] | None = None,
    missing_sessions: Sequence[str] = (),
    workers: list[dict[str, Any]] | None = None,
    missing_workers: Sequence[str] = (),
    permission_caches: list[dict[str, Any]] | None = None,
    missing_permission_caches: Sequence[str] = (),
) -> str:
    """The Markdown of ``runs`` (``bench.run`` results), one section per measurement.

    ``http``: the ``bench.http_load`` results to show (None: no HTTP sections);
    ``missing_http`` names the HTTP results files that were expected but absent.
    ``image``, ``stacks_image``: the paths of the stall chart and of the stack chart to show
    (None: none; the stack chart is shown only where the HTTP results compare the stacks).
    ``session_hops``, ``sessions``, ``workers``, ``permission_caches``: the
    ``bench.session_hops``, ``bench.session_overhead``, ``bench.http_workers`` and
    ``bench.permission_cache`` results (None: no section), with the names of their absent files.
    """
    h = "#" * level
    warnings = load_warnings(
        runs, http or [], sessions or [], workers or [], permission_caches or []
    )
    parts = [runs_table(runs), LOAD_NOTE, *(_quote_warning(line) for line in warnings)]
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
        section="async_methods",
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
        section="cold_permissions",
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
        section="derived_overhead",
    )
    if http is not None:
        parts += [f"{h} HTTP load", *_http_parts(http, missing_http)]
        parts += [f"{h} Django's stack against the reference stack over HTTP"]
        parts += _stack_parts(http, stacks_image)
    if session_hops is not None:
        parts += [f"{h} Thread hops per request"]
        parts += _session_hops_parts(session_hops, missing_session_hops)
    if sessions is not None:
        parts += [f"{h} Session store overhead"]
        parts += _session_overhead_parts(sessions, missing_sessions)
    if workers is not None:
        parts += [f"{h} Several workers on Redis"]
        parts += _workers_parts(workers, missing_workers)
    if permission_caches is not None:
        parts += [f"{h} The shared permission cache"]
        parts += _permission_cache_parts(permission_caches, missing_permission_caches)
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
        load = load_summary(results.get("machine_load"))
        parts += [
            f"Django {results['django']}, Python {results['python']}, {database}{limit_text}, "
            f"machine load over the whole run {load}:",
            http_table(results),
        ]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        parts.append(f"No HTTP results for this report: {names} absent.")
    return parts
