"""The mypy plugin shows type checkers the sides the engine synthesizes, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

mypy_api = pytest.importorskip("mypy.api", reason="mypy is installed by the typecheck extra")

from mypy.options import Options  # noqa: E402

from auth_backend_sdk.auth.family import AUTHENTICATION  # noqa: E402
from auth_backend_sdk.engine._family import families  # noqa: E402
from auth_backend_sdk.mypy_plugin import DualModePlugin  # noqa: E402

from .typing import ROOT, marked_lines, mypy_errors  # noqa: E402

PLUGIN = "auth_backend_sdk.mypy_plugin"


def test_the_plugin_learns_pairs_and_mixins_from_the_family_declarations() -> None:
    plugin = DualModePlugin(Options())
    assert plugin.families == families()
    assert AUTHENTICATION in plugin.families
    assert plugin.get_dynamic_class_hook("auth_backend_sdk.engine._adapt.dual_mode") is not None
    assert plugin.get_dynamic_class_hook("somewhere.else.dual_mode") is None


def test_the_project_enables_the_plugin_and_needs_no_override() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert PLUGIN in config["plugins"]
    overridden = {module for entry in config.get("overrides", []) for module in entry["module"]}
    assert "tests.engine.test_resolution" not in overridden


@pytest.mark.slow
def test_synthesized_sides_type_check_as_their_source() -> None:
    assert mypy_errors("plugin_good.py") == {}


@pytest.mark.slow
def test_wrong_calls_to_synthesized_sides_are_rejected_exactly_where_marked() -> None:
    errors = mypy_errors("plugin_bad.py")
    assert set(errors) == marked_lines("plugin_bad.py"), errors


@pytest.mark.slow
def test_without_the_plugin_the_synthesized_sides_are_unknown(tmp_path: Path) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    plugins = [name for name in pyproject["mypy"]["plugins"] if name != PLUGIN]
    settings = pyproject["django-stubs"]["django_settings_module"]
    config = tmp_path / "mypy.ini"
    config.write_text(
        "[mypy]\n"
        "strict = True\n"
        f"mypy_path = {ROOT / pyproject['mypy']['mypy_path']}\n"
        f"plugins = {', '.join(plugins)}\n"
        "[mypy.plugins.django-stubs]\n"
        f"django_settings_module = {settings}\n"
    )
    errors = mypy_errors("plugin_good.py", config=config)
    assert any('has no attribute "aauthenticate"' in message for message in errors.values())
    assert any('Invalid base class "Adapted"' in message for message in errors.values())


@pytest.mark.slow
def test_mypy_cache_keeps_the_synthesized_sides(tmp_path: Path) -> None:
    # The second runs read the classes (module-level, local, dual_mode()'s) back from the cache.
    for _ in range(2):
        assert mypy_errors("plugin_good.py", cache=tmp_path) == {}
        assert set(mypy_errors("plugin_bad.py", cache=tmp_path)) == marked_lines("plugin_bad.py")


@pytest.mark.slow
def test_a_side_derived_from_a_definition_read_from_the_cache(tmp_path: Path) -> None:
    # The store's module is checked alone first: the case then reads it back from mypy's
    # cache, where a FuncDef carries no arguments.
    store = ROOT / "tests" / "sessions" / "engines" / "revoking_db_hook.py"
    cache = ["--cache-dir", str(tmp_path), "--config-file", str(ROOT / "pyproject.toml")]
    stdout, stderr, status = mypy_api.run([*cache, str(store)])
    assert status == 0, stdout + stderr
    assert mypy_errors("plugin_store_good.py", cache=tmp_path) == {}
