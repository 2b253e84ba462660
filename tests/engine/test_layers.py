"""The layering rule: each layer imports only from the layers below it.

The core (``auth_backend_sdk.engine``) knows no family: it imports nothing
from ``django.contrib``, and the generic parts of the testing tools nothing
from ``django.contrib.auth``. Without Django settings, the core and the
families' declarations import cleanly and leave ``django.contrib.auth``
unimported. And no twin name is built by a rule (``"a" + name``): each family
declares its twin names.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "auth_backend_sdk"
ENGINE = PACKAGE / "engine"
GENERIC_TESTING_MODULES = [
    PACKAGE / "testing" / f"{name}.py"
    for name in (
        "harness",
        "modes",
        "_ledger",
        "masking",
        "_selection",
        "_reporting",
        "_report",
        "_runner",
    )
]
IMPORTING_CALLS = {"import_module", "import_string", "__import__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module the file at ``path`` imports (see :func:`imports_in`)."""
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """Every module ``source`` imports, anywhere (functions, ``TYPE_CHECKING`` blocks), absolute.

    ``package`` anchors relative imports. ``from a import b`` gives both ``a``
    and ``a.b`` (``b`` may be a module), and a call to
    ``importlib.import_module`` / ``import_string`` / ``__import__`` with a
    literal name gives that name.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else None
            if isinstance(function, ast.Name):
                called = function.id
            first = node.args[0]
            if (
                called in IMPORTING_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.append((node.lineno, first.value))
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def offending_imports(paths: list[Path], package: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in paths
        for line, module in imports_of(path)
        if is_within(module, package)
    ]


def test_the_import_scanner_sees_every_way_of_importing() -> None:
    """The scan below must see what it is meant to forbid, wherever it is written."""
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING
        import django.contrib.auth
        from django.contrib.auth.backends import ModelBackend
        from django import contrib
        if TYPE_CHECKING:
            from django.contrib.auth.models import User
        def later():
            from django.contrib import auth
            importlib.import_module("django.contrib.sessions")
        from ..auth import family
        from . import _family
        """
    )
    found = {module for _, module in imports_in(source, "auth_backend_sdk.engine")}
    assert found >= {
        "django.contrib.auth",
        "django.contrib.auth.backends",
        "django.contrib",
        "django.contrib.auth.models",
        "django.contrib.sessions",
        "auth_backend_sdk.auth",
        "auth_backend_sdk.auth.family",
        "auth_backend_sdk.engine._family",
    }
    assert not any(is_within(module, "auth_backend_sdk.engine.auth") for module in found)


def test_the_engine_imports_nothing_from_django_contrib() -> None:
    modules = sorted(ENGINE.rglob("*.py"))
    assert ENGINE / "_family.py" in modules
    scanned = {module for path in modules for _, module in imports_of(path)}
    assert {"django.utils.module_loading", "auth_backend_sdk.engine._family"} <= scanned
    assert offending_imports(modules, "django.contrib") == []


@pytest.mark.parametrize("layer", ["auth", "testing", "cli", "mypy_plugin", "reference_backends"])
def test_the_engine_imports_nothing_from_the_layers_above_it(layer: str) -> None:
    above = layer if layer == "reference_backends" else f"auth_backend_sdk.{layer}"
    assert offending_imports(sorted(ENGINE.rglob("*.py")), above) == []


def test_the_generic_testing_modules_import_nothing_from_django_contrib_auth() -> None:
    assert all(path.is_file() for path in GENERIC_TESTING_MODULES)
    assert offending_imports(GENERIC_TESTING_MODULES, "django.contrib.auth") == []


def _run_without_settings(script: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_core_and_the_family_declarations_import_without_settings_or_django_contrib_auth() -> (
    None
):
    done = _run_without_settings(
        """
        import json, sys
        import auth_backend_sdk, auth_backend_sdk.engine, auth_backend_sdk.engine.description
        import auth_backend_sdk.engine.hops, auth_backend_sdk.auth.family
        from auth_backend_sdk.engine._family import families
        names = [family.name for family in families()]
        loaded = sorted(
            name for name in sys.modules
            if name == "django.contrib.auth" or name.startswith("django.contrib.auth.")
        )
        print(json.dumps({"families": names, "loaded": loaded}))
        """
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "authentication backend" in result["families"]
    assert result["loaded"] == []


def test_a_family_outside_django_auth_is_adapted_without_settings_or_django_contrib_auth() -> None:
    done = _run_without_settings(
        """
        import json, sys
        from asgiref.sync import async_to_sync
        from auth_backend_sdk import describe, dual_mode
        from docs.examples.key_stores import MemoryStore
        store = dual_mode(MemoryStore)()
        async_to_sync(store.aput)("colour", "green")
        table = str(describe(type(store)))
        loaded = sorted(name for name in sys.modules if name.startswith("django.contrib.auth"))
        print(json.dumps({"fetched": store.fetch("colour"), "table": table, "loaded": loaded}))
        """
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["fetched"] == "green"
    assert "derived from MemoryStore.__setitem__" in result["table"]
    assert result["loaded"] == []


# No twin name is built by a rule.

_RULE_PREFIX = r"(?:^|[^A-Za-z0-9_])_*a"
"""Text ending in an ``a`` that starts a name (``a``, ``_a``, ``self.a``), not ``data``."""


def twin_name_rules(source: str) -> list[int]:
    """Lines building a name as ``a`` + another name, or taking the ``a`` off one."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for part, following in zip(node.values, node.values[1:], strict=False):
                if (
                    isinstance(part, ast.Constant)
                    and isinstance(part.value, str)
                    and isinstance(following, ast.FormattedValue)
                    and re.search(_RULE_PREFIX + "$", part.value)
                ):
                    lines.append(node.lineno)
        elif isinstance(node, ast.BinOp):
            left = node.left
            if not (isinstance(left, ast.Constant) and isinstance(left.value, str)):
                continue
            if isinstance(node.op, ast.Add) and re.search(_RULE_PREFIX + "$", left.value):
                lines.append(node.lineno)
            if isinstance(node.op, ast.Mod) and re.search(_RULE_PREFIX + "%", left.value):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            method = node.func.attr
            if (
                method == "format"
                and isinstance(owner, ast.Constant)
                and isinstance(owner.value, str)
                and re.search(_RULE_PREFIX + r"\{", owner.value)
            ):
                lines.append(node.lineno)
            if method in {"removeprefix", "lstrip"} and any(
                isinstance(argument, ast.Constant) and argument.value in {"a", "_a"}
                for argument in node.args
            ):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "source",
    [
        'twin = f"a{name}"',
        'twin = f"_a{name[1:]}"',
        'twin = f"{cls.__name__}.a{name}"',
        'twin = "a" + name',
        'twin = "_a" + name.lstrip("_")',
        'twin = "a%s" % name',
        'twin = "a{}".format(name)',
        'sync = name.removeprefix("a")',
    ],
)
def test_the_rule_scanner_sees_a_twin_name_built_by_a_rule(source: str) -> None:
    assert twin_name_rules(source) == [1]


@pytest.mark.parametrize(
    "source",
    [
        'text = f"{caller}() expects {expected}, but"',
        'text = f"data{x}"',
        'text = f"expects a {x}"',
        'text = "data" + x',
        "twin = family.twin_name(name)",
    ],
)
def test_the_rule_scanner_leaves_other_strings_alone(source: str) -> None:
    assert twin_name_rules(source) == []


def test_no_twin_name_is_built_by_a_rule_outside_the_family_declarations() -> None:
    modules = [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        # A family's declaration may write its names as it likes: it is the source.
        if path.name != "family.py"
    ]
    assert ENGINE / "_derivation.py" in modules
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        for line in twin_name_rules(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use Family.twin_name() or the declared MethodPair"


def test_library_defaults_count_even_where_no_family_module_was_imported_first() -> None:
    # A project without "auth_backend_sdk" in INSTALLED_APPS: nothing imports the
    # authentication family before describe() looks at Django's defaults.
    done = _run_without_settings(
        """
        import django
        from django.conf import settings
        settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"])
        django.setup()
        import sys
        from django.contrib.auth.backends import BaseBackend
        from auth_backend_sdk.engine import MethodPair
        from auth_backend_sdk.engine.description import describe

        class TokenBackend(BaseBackend):
            def authenticate(self, request, token=None):
                return None

        assert "auth_backend_sdk.auth.family" not in sys.modules
        pair = describe(TokenBackend, pairs=[MethodPair("authenticate", "aauthenticate")])
        print(pair.pair("authenticate").async_, pair.pair("authenticate").verdict)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Django default in BaseBackend ok"
