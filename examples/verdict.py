"""`make demo`'s verdict: every sentence computed from the contract suite's reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from auth_backend_sdk.testing._runner import BackendReport, CheckResult

_MODE_ORDER = ("sync", "async", None)


def verdict(reports: Sequence[BackendReport], adapted: Mapping[str, str]) -> list[str]:
    """One line per backend, one per backend adapted with dual_mode(), and the exit status.

    ``adapted`` maps the path of a backend as written to the path of the same
    backend after ``dual_mode()``; pairs not both in ``reports`` are left out.
    """
    by_path = {report.path: report for report in reports}
    lines = [_backend_line(report) for report in reports]
    for written, after in adapted.items():
        if written in by_path and after in by_path:
            lines.append(_adaptation_line(by_path[written], by_path[after]))
    failing = [report for report in reports if not report.ok]
    if failing:
        lines.append(
            f"The check command exits with status 1 for this run: {len(failing)} of "
            f"{len(reports)} backends fail."
        )
    else:
        lines.append(
            f"The check command exits with status 0 for this run: all {len(reports)} backends pass."
        )
    return lines


def _backend_line(report: BackendReport) -> str:
    failed = _failures(report.results)
    run = len(report.results) - report.count("skipped")
    if failed:
        return f"{report.path}: FAIL, {report.failed} of {run} checks failed: {_listed(failed)}."
    line = f"{report.path}: PASS, {report.count('passed')} of {run} checks passed"
    expected = [r for r in report.results if r.status == "expected failure"]
    if not expected:
        return line + "."
    line += f", {len(expected)} failed as expected ({_listed(_by_check(expected))})"
    reasons = sorted({r.detail for r in expected if r.detail})
    return line + (f": {' '.join(reasons)}" if reasons else ".")


def _adaptation_line(written: BackendReport, after: BackendReport) -> str:
    before, remaining = _failures(written.results), _failures(after.results)
    fixed = {check: modes for check, modes in before.items() if check not in remaining}
    if not remaining:
        if not fixed:
            return f"{written.path} passes as written, and after dual_mode() too."
        return f"dual_mode() fixed every check {written.path} failed as written: {_listed(fixed)}."
    line = f"After dual_mode(), {after.path} still fails {_listed(remaining)}"
    if fixed:
        line += f"; dual_mode() fixed {_listed(fixed)}"
    return line + "."


def _failures(results: Iterable[CheckResult]) -> dict[str, list[str | None]]:
    return _by_check(r for r in results if r.counts_as_failure)


def _by_check(results: Iterable[CheckResult]) -> dict[str, list[str | None]]:
    modes: dict[str, list[str | None]] = {}
    for result in results:
        modes.setdefault(result.check, []).append(result.mode)
    return {check: sorted(set(found), key=_mode_rank) for check, found in modes.items()}


def _mode_rank(mode: str | None) -> int:
    return _MODE_ORDER.index(mode) if mode in _MODE_ORDER else len(_MODE_ORDER)


def _listed(modes_by_check: Mapping[str, list[str | None]]) -> str:
    return ", ".join(
        f"{check} ({', '.join(m for m in modes if m)})" if any(modes) else check
        for check, modes in modes_by_check.items()
    )
