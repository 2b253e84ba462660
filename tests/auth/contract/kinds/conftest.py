"""The ``check`` command's runs on real backends of each kind, made once per test session.

Each run is ``python -m auth_backend_sdk check ...`` in a process of its own, as users run
it, on the database the test session uses (SQLite, or PostgreSQL when ``ABS_TEST_DATABASE``
says so; each run creates and drops a test database of its own). The runs are started
together and read when a test first needs them: on two cores, the whole set takes about
as long as its two longest runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[4]
SETTINGS = "tests.auth.contract.kinds.settings"
TEST_CONTRACTS = "tests.auth.contract.kinds.contracts"
DOCS_SETTINGS = "docs.examples.kinds.settings"
DOCS_CONTRACTS = "docs.examples.kinds.contracts"
DOCS_BACKENDS = "docs.examples.kinds.backends"


@dataclass(frozen=True)
class Kind:
    name: str
    shipped: str
    adapted: str
    contract: str
    """The contract module that names the adapted class."""


KINDS = [
    Kind(
        "header token",
        "oauth2_provider.backends.OAuth2Backend",
        f"{DOCS_BACKENDS}.OAuth2Backend",
        DOCS_CONTRACTS,
    ),
    Kind(
        "SAML assertion",
        "djangosaml2.backends.Saml2Backend",
        f"{DOCS_BACKENDS}.Saml2Backend",
        DOCS_CONTRACTS,
    ),
    Kind(
        "OIDC code flow",
        "mozilla_django_oidc.auth.OIDCAuthenticationBackend",
        "tests.auth.contract.kinds.backends.OIDCAuthenticationBackend",
        TEST_CONTRACTS,
    ),
    Kind(
        "token credential",
        "sesame.backends.ModelBackend",
        "tests.auth.contract.kinds.backends.SesameBackend",
        TEST_CONTRACTS,
    ),
    Kind(
        "object permissions",
        "rules.permissions.ObjectPermissionBackend",
        f"{DOCS_BACKENDS}.ObjectPermissionBackend",
        DOCS_CONTRACTS,
    ),
    Kind(
        "permission only",
        "bridgekeeper.backends.RulePermissionBackend",
        f"{DOCS_BACKENDS}.RulePermissionBackend",
        DOCS_CONTRACTS,
    ),
]
SHIPPED = [kind.shipped for kind in KINDS]
ADAPTED = [kind.adapted for kind in KINDS]
DOCS_ADAPTED = [kind.adapted for kind in KINDS if kind.contract == DOCS_CONTRACTS]
TEST_ADAPTED = [kind.adapted for kind in KINDS if kind.contract == TEST_CONTRACTS]
OIDC_ADAPTED = "tests.auth.contract.kinds.backends.OIDCAuthenticationBackend"

# The arguments after ``check`` of each run, and the environment it adds.
RUNS: dict[str, tuple[list[str], dict[str, str]]] = {
    "shipped, no contract": ([*SHIPPED, "--settings", SETTINGS, "--json"], {}),
    "adapted, no contract": ([*ADAPTED, "--settings", SETTINGS, "--json", "--strict"], {}),
    # The contract classes of tests/auth/contract/kinds/contracts.py name the classes as
    # shipped, and the two adapted classes the docs do not show.
    "contract": (
        [*SHIPPED, *TEST_ADAPTED, "--settings", SETTINGS, "--contract", TEST_CONTRACTS, "--json"],
        {},
    ),
    # What the how-to page shows (the command's text output).
    "docs": (
        [*DOCS_ADAPTED, "--settings", DOCS_SETTINGS, "--contract", DOCS_CONTRACTS, "--strict"],
        {},
    ),
}


@dataclass
class Run:
    arguments: list[str]
    process: subprocess.Popen[bytes]
    directory: Path
    _output: tuple[int, str, str] | None = field(default=None)

    def wait(self) -> tuple[int, str, str]:
        if self._output is None:
            self.process.wait(timeout=600)
            self._output = (
                self.process.returncode,
                (self.directory / "stdout").read_text(encoding="utf-8"),
                (self.directory / "stderr").read_text(encoding="utf-8"),
            )
        return self._output

    @property
    def returncode(self) -> int:
        return self.wait()[0]

    @property
    def stdout(self) -> str:
        return self.wait()[1]

    @property
    def stderr(self) -> str:
        return self.wait()[2]

    def reports(self) -> dict[str, dict[str, Any]]:
        """The JSON reports, by backend."""
        try:
            reports: list[dict[str, Any]] = json.loads(self.stdout)
        except json.JSONDecodeError:
            pytest.fail(f"check {' '.join(self.arguments)} printed no JSON:\n{self.stderr}")
        return {report["backend"]: report for report in reports}


def start(arguments: list[str], env: Mapping[str, str], directory: Path) -> Run:
    """Start the command; its output goes to files (a pipe nobody reads yet would stall it)."""
    base = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    with (directory / "stdout").open("wb") as stdout, (directory / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "auth_backend_sdk", "check", *arguments],
            stdout=stdout,
            stderr=stderr,
            cwd=ROOT,
            env={**base, "PYTHONIOENCODING": "utf-8", **env},
        )
    return Run(arguments, process, directory)


@pytest.fixture(scope="session")
def kinds_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    runs = {
        name: start(arguments, env, tmp_path_factory.mktemp("check"))
        for name, (arguments, env) in RUNS.items()
    }
    try:
        yield runs
    finally:
        for run in runs.values():
            if run.process.poll() is None:
                run.process.kill()
            run.wait()
