"""``docs/howto/contracts_for_each_kind.md``: the command it shows is the one run, and prints
what the page shows (its report of the first backend and the summary), on every Django line
and database of the test matrix."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

from .conftest import DOCS_ADAPTED, RUNS, Run

DOCS = Path(__file__).resolve().parents[4] / "docs"
PAGE = DOCS / "howto" / "contracts_for_each_kind.md"
CONTRACTS = DOCS / "examples" / "kinds" / "contracts.py"


def shown(marker: str) -> tuple[list[str], list[str]]:
    """The arguments of the command shown before ``% check-output: <marker>``, and its output."""
    before, _, after = PAGE.read_text(encoding="utf-8").partition(f"% check-output: {marker}\n")
    command = before.rpartition("```sh\n")[2].partition("```")[0]
    arguments = shlex.split(command.replace("\\\n", " "))
    assert arguments[:4] == ["python", "-m", "auth_backend_sdk", "check"], command
    return arguments[4:], after.partition("```text\n")[2].partition("\n```")[0].splitlines()


def normalized(line: str) -> str:
    """A line without what changes from run to run (times, stalls) or with the suite's
    checks (counts): ``test_the_docs_contracts_give_a_complete_pass`` reads the counts."""
    line = re.sub(r"worst event-loop stall: .*", "worst event-loop stall: X", line)
    return re.sub(r"\d+(\.\d+)?", "N", line)


def missing_in_order(lines: list[str], printed: list[str]) -> list[str]:
    remaining = iter(normalized(line) for line in printed)
    return [line for line in lines if not any(normalized(line) == p for p in remaining)]


def test_the_page_runs_the_command_the_tests_run() -> None:
    arguments, _ = shown("kinds")
    assert arguments == RUNS["docs"][0]


def test_the_page_shows_what_the_check_command_prints(kinds_runs: dict[str, Run]) -> None:
    run = kinds_runs["docs"]
    _, lines = shown("kinds")
    assert run.returncode == 0, run.stdout + run.stderr
    assert missing_in_order(lines, run.stdout.splitlines()) == [], run.stdout
    assert lines[0] == f"{DOCS_ADAPTED[0]} (dual-mode)"
    assert [line.split()[0] for line in lines[-4:]] == DOCS_ADAPTED


def test_each_contract_on_the_page_names_a_backend_the_command_checks() -> None:
    page = PAGE.read_text(encoding="utf-8")
    included = re.findall(r":pyobject: (\w+)", page)
    module = ast.parse(CONTRACTS.read_text(encoding="utf-8"))
    backends: dict[str, str] = {}
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and ast.unparse(statement.targets[0]) == (
                    "backend"
                ):
                    backends[node.name] = ast.literal_eval(statement.value)
    assert sorted(included) == sorted(backends)
    assert sorted(backends.values()) == sorted(DOCS_ADAPTED)
