"""Prepared pairs and kept defaults: the engine features sessions needed, without sessions.

A small family of our own, notebooks, is shaped like Django's ``SessionBase``: a library
class writes both sides of every pair, its I/O async side a bridge to the sync one
(``aload_notes``), its loader (``_anotes``) and its in-memory API (``aheadline``) composed
over other async methods. The family declares those as kept defaults, and ``headline`` as
prepared by ``_anotes()`` unless ``notes=`` is given. The library's classes report a module
of their own, which the family trusts; the projects' classes below, in this module, are
not trusted.
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar
from unittest import mock

import pytest
from asgiref.sync import sync_to_async

from auth_backend_sdk import describe, dual_mode
from auth_backend_sdk.engine import (
    DualMode,
    Family,
    ForeignDefault,
    MethodPair,
    Preparation,
    declare_family,
)
from auth_backend_sdk.engine.description import Hazard
from auth_backend_sdk.engine.hops import count_hops
from auth_backend_sdk.testing import ASYNC, SYNC, Mode

LIBRARY = f"{__name__}_library"
Notes = dict[str, str]


def on_the_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Notebook:
    """The library's base class, written as Django writes ``SessionBase``."""

    __module__ = LIBRARY
    keeps_test_notes: ClassVar[bool] = True

    def __init__(self, stored: Notes | None = None) -> None:
        self.stored = {"headline": "draft"} if stored is None else stored
        self.loads = 0

    def load_notes(self) -> Notes:
        self.loads += 1
        return dict(self.stored)

    async def aload_notes(self) -> Notes:
        return await sync_to_async(self.load_notes)()

    def _notes(self) -> Notes:
        if not hasattr(self, "loaded"):
            self.loaded = self.load_notes()
        return self.loaded

    async def _anotes(self) -> Notes:
        if not hasattr(self, "loaded"):
            self.loaded = await self.aload_notes()
        return self.loaded

    def headline(self, notes: Notes | None = None) -> str:
        return (self._notes() if notes is None else notes)["headline"]

    async def aheadline(self, notes: Notes | None = None) -> str:
        return (await self._anotes() if notes is None else notes)["headline"]


def _library_defaults(module: ModuleType) -> Iterator[ForeignDefault]:
    defaults = vars(Notebook)
    yield ForeignDefault(defaults["aload_notes"], True, "load_notes()", "notebook", kept=True)
    yield ForeignDefault(defaults["_anotes"], False, "aload_notes()", "notebook", kept=True)
    yield ForeignDefault(defaults["aheadline"], False, "_anotes()", "notebook", kept=True)


def _keeps_test_notes(cls: type) -> bool:
    return getattr(cls, "keeps_test_notes", False) is True


NOTEBOOKS = declare_family(
    Family(
        name="test notebook",
        pairs=(
            MethodPair("load_notes", "aload_notes"),
            MethodPair("_notes", "_anotes"),
            MethodPair("headline", "aheadline"),
        ),
        mixin=f"{__name__}.NotebookMixin",
        library_defaults={__name__: _library_defaults},
        trusted_modules=(LIBRARY,),
        is_member=_keeps_test_notes,
        prepared={"headline": Preparation("_anotes", unless_given=("notes",))},
    )
)


class NotebookMixin(DualMode):
    __dual_mode_family__: ClassVar[Family | None] = NOTEBOOKS
    keeps_test_notes: ClassVar[bool] = True


class InMemoryNotebook(Notebook):
    """Loads without a thread: both sides written here, in one class."""

    def load_notes(self) -> Notes:
        self.loads += 1
        return dict(self.stored)

    async def aload_notes(self) -> Notes:
        self.loads += 1
        return dict(self.stored)


class ShoutingNotebook(Notebook):
    """A project's override of the in-memory API, as written: no dual mode."""

    def headline(self, notes: Notes | None = None) -> str:
        self.ran_on_the_loop = on_the_loop()
        self.was_loaded = hasattr(self, "loaded")
        return super().headline(notes).upper()


class Shouting(NotebookMixin, ShoutingNotebook):
    pass


class InMemoryShouting(NotebookMixin, ShoutingNotebook, InMemoryNotebook):
    pass


# The prepared async side.


def test_as_written_the_kept_composite_bypasses_the_override(backend_mode: Mode) -> None:
    expected = "DRAFT" if backend_mode is SYNC else "draft"
    assert backend_mode.call(ShoutingNotebook(), "headline") == expected
    assert describe(ShoutingNotebook).pair("headline").hazard is Hazard.ASYNC_SHADOWED


def test_the_prepared_side_loads_then_runs_the_override_on_the_loop(backend_mode: Mode) -> None:
    notebook = Shouting()
    assert backend_mode.call(notebook, "headline") == "DRAFT"
    assert notebook.ran_on_the_loop is (backend_mode is ASYNC)
    assert notebook.was_loaded is (backend_mode is ASYNC)
    assert notebook.loads == 1


async def test_the_override_adds_no_thread_hop() -> None:
    with count_hops() as hops:
        assert await InMemoryShouting().aheadline() == "DRAFT"
    assert hops.count == 0
    # Through the library's bridge, the load is the one hop, as in the library itself.
    with count_hops() as adapted:
        await Shouting().aheadline()
    with count_hops() as library:
        await Notebook().aheadline()
    assert adapted.count == library.count == 1


def test_unless_given_skips_the_preparation(backend_mode: Mode) -> None:
    notebook = Shouting()
    assert backend_mode.call(notebook, "headline", notes={"headline": "given"}) == "GIVEN"
    assert notebook.loads == 0
    assert not hasattr(notebook, "loaded")


def test_super_chains_run_through_prepared_and_derived_sides(backend_mode: Mode) -> None:
    class Base(NotebookMixin, Notebook):
        def headline(self, notes: Notes | None = None) -> str:
            return "base:" + super().headline(notes)

    class Child(Base):
        def headline(self, notes: Notes | None = None) -> str:
            return "child:" + super().headline(notes)

    class AsyncChild(Base):
        async def aheadline(self, notes: Notes | None = None) -> str:
            base: str = await super().aheadline(notes)
            return "async-child:" + base

    assert backend_mode.call(Child(), "headline") == "child:base:draft"
    assert backend_mode.call(AsyncChild(), "headline") == "async-child:base:draft"


def patched_headline(self: Any, notes: Notes | None = None) -> str:
    return "PATCHED"


def test_a_replacement_of_the_source_is_followed(backend_mode: Mode) -> None:
    with mock.patch.object(ShoutingNotebook, "headline", patched_headline):
        assert backend_mode.call(Shouting(), "headline") == "PATCHED"
    adapted = dual_mode(ShoutingNotebook)
    with mock.patch.object(adapted, "headline", patched_headline):
        assert backend_mode.call(adapted(), "headline") == "PATCHED"
    assert backend_mode.call(adapted(), "headline") == "DRAFT"


# Kept defaults, and the labels describe() gives.


def async_side(cls: type, sync_name: str) -> str:
    return str(describe(cls).pair(sync_name).async_)


def test_a_kept_default_is_kept_where_the_library_class_decides() -> None:
    class Untouched(NotebookMixin, Notebook):
        pass

    for pair in NOTEBOOKS.pairs:
        assert getattr(Untouched, pair.async_name) is vars(Notebook)[pair.async_name]
        assert pair.async_name not in vars(Untouched)
    assert async_side(Untouched, "headline") == "notebook default in Notebook"
    assert async_side(Untouched, "load_notes") == "notebook default in Notebook"
    assert describe(Untouched).hazards == ()


def test_a_kept_default_gives_way_once_a_subclass_overrides_either_side(
    backend_mode: Mode,
) -> None:
    class LoadsElsewhere(NotebookMixin, Notebook):
        def load_notes(self) -> Notes:
            return {"headline": "elsewhere"}

    class AsyncHeadline(NotebookMixin, Notebook):
        async def aheadline(self, notes: Notes | None = None) -> str:
            return "async override"

    on_the_loop_label = "derived from ShoutingNotebook.headline on the loop after _anotes()"
    assert async_side(Shouting, "headline") == on_the_loop_label
    # An I/O pair is not prepared: its async side is a plain bridge.
    assert async_side(LoadsElsewhere, "load_notes") == "derived from LoadsElsewhere.load_notes"
    assert backend_mode.call(LoadsElsewhere(), "headline") == "elsewhere"
    sync_side = describe(AsyncHeadline).pair("headline").sync
    assert str(sync_side) == "derived from AsyncHeadline.aheadline"
    assert backend_mode.call(AsyncHeadline(), "headline") == "async override"
    for cls in (Shouting, LoadsElsewhere, AsyncHeadline):
        assert describe(cls).hazards == ()


# The mypy plugin types the synthesized (prepared) async side like any other.


@pytest.mark.slow
def test_the_mypy_plugin_types_the_prepared_async_side(tmp_path: Path) -> None:
    mypy_api = pytest.importorskip("mypy.api", reason="mypy is installed by the typecheck extra")
    root = Path(__file__).resolve().parents[2]
    case = tmp_path / "prepared_case.py"
    case.write_text(
        textwrap.dedent(
            f"""
            from {__name__} import NotebookMixin

            class Own(NotebookMixin):
                def headline(self, notes: dict[str, str] | None = None) -> str:
                    return "own"

            async def use() -> None:
                text: str = await Own().aheadline(notes={{"headline": "x"}})
                number: int = await Own().aheadline()
            """
        )
    )
    stdout, stderr, status = mypy_api.run(
        [
            "--config-file",
            str(root / "pyproject.toml"),
            "--no-incremental",
            "--cache-dir",
            "/dev/null",
            str(case),
        ]
    )
    assert status == 1, stdout + stderr
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, stdout
    assert "prepared_case.py:10: error: Incompatible types in assignment" in errors[0]
