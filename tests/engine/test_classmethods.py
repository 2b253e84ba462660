"""Derivation of classmethods: a classmethod side gives a classmethod twin.

Session stores need it (``clear_expired``/``aclear_expired``), and so does the
documented key store's ``purge``. The derived twin is a classmethod callable
on the class and on instances, receives the class it is called on, serves
``super()`` from a subclass, refuses to block a running loop, looks like its
source, and follows a replacement of its source.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any, ClassVar
from unittest import mock

import pytest

from auth_backend_sdk import SyncMethodInEventLoopError, describe, dual_mode
from auth_backend_sdk.engine import DualMode, MethodPair
from auth_backend_sdk.engine.description import Status
from auth_backend_sdk.testing import Mode
from docs.examples.key_stores import MemoryStore

PAIRS: tuple[MethodPair, ...] = (MethodPair("make", "amake"),)


def side(owner: object, name: str) -> Any:
    """``owner.<name>``: the engine adds sides at class creation, which type checkers cannot see."""
    return getattr(owner, name)


class SyncFirst(DualMode):
    __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = PAIRS

    @classmethod
    def make(cls, tag: str, *, times: int = 1) -> tuple[type, str]:
        """Make ``tag`` with the class it was called on."""
        return (cls, tag * times)


class SyncFirstChild(SyncFirst):
    pass


class AsyncFirst(DualMode):
    __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = PAIRS

    @classmethod
    async def amake(cls, tag: str, *, times: int = 1) -> tuple[type, str]:
        """Make ``tag`` with the class it was called on, asynchronously."""
        return (cls, tag * times)


class AsyncFirstChild(AsyncFirst):
    pass


@pytest.fixture
def empty_memory_store() -> Iterator[None]:
    MemoryStore.entries.clear()
    yield
    MemoryStore.entries.clear()


def test_a_sync_classmethod_gets_an_async_classmethod_twin(backend_mode: Mode) -> None:
    derived = SyncFirst.__dict__["amake"]
    assert isinstance(derived, classmethod)
    assert inspect.iscoroutinefunction(side(SyncFirst, "amake"))
    assert backend_mode.call(SyncFirst, "make", "x") == (SyncFirst, "x")
    assert backend_mode.call(SyncFirst(), "make", "x", times=2) == (SyncFirst, "xx")


def test_an_async_classmethod_gets_a_sync_classmethod_twin(backend_mode: Mode) -> None:
    derived = AsyncFirst.__dict__["make"]
    assert isinstance(derived, classmethod)
    assert not inspect.iscoroutinefunction(side(AsyncFirst, "make"))
    assert backend_mode.call(AsyncFirst, "make", "y") == (AsyncFirst, "y")
    assert backend_mode.call(AsyncFirst(), "make", "y", times=3) == (AsyncFirst, "yyy")


@pytest.mark.parametrize(
    ("child", "source"), [(SyncFirstChild, SyncFirst), (AsyncFirstChild, AsyncFirst)]
)
def test_an_inherited_derived_classmethod_receives_the_subclass(
    backend_mode: Mode, child: type, source: type
) -> None:
    assert backend_mode.call(child, "make", "z") == (child, "z")
    assert backend_mode.call(child(), "make", "z") == (child, "z")
    # A subclass that adds nothing inherits the twin derived on its base.
    assert "make" not in child.__dict__
    assert "amake" not in child.__dict__
    described = describe(child).pair("make")
    assert described.sync.defined_in is described.async_.defined_in is source


def test_super_from_an_override_reaches_the_derived_classmethod(backend_mode: Mode) -> None:
    class Base(DualMode):
        __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = PAIRS

        @classmethod
        def make(cls, tag: str) -> list[str]:
            return [f"Base.make({cls.__name__}, {tag})"]

    class Child(Base):
        @classmethod
        async def amake(cls, tag: str) -> list[str]:
            parent: Any = super()  # Base.amake is derived: type checkers cannot see it
            return [*await parent.amake(tag), f"Child.amake({cls.__name__})"]

    class Grandchild(Child):
        @classmethod
        def make(cls, tag: str) -> list[str]:
            return [*super().make(tag), f"Grandchild.make({cls.__name__})"]

    assert backend_mode.call(Child, "make", "t") == [
        "Base.make(Child, t)",
        "Child.amake(Child)",
    ]
    assert backend_mode.call(Grandchild(), "make", "t") == [
        "Base.make(Grandchild, t)",
        "Child.amake(Grandchild)",
        "Grandchild.make(Grandchild)",
    ]


async def test_the_derived_sync_classmethod_refuses_to_block_a_running_loop() -> None:
    for target in (AsyncFirst, AsyncFirst(), AsyncFirstChild):
        with pytest.raises(SyncMethodInEventLoopError) as raised:
            side(target, "make")("x")
        assert "AsyncFirst.make()" in str(raised.value)
        assert "await amake() instead" in str(raised.value)
    assert await side(AsyncFirstChild, "amake")("x") == (AsyncFirstChild, "x")


def test_describe_shows_the_derived_classmethod_side_and_its_source() -> None:
    sync_first = describe(SyncFirst).pair("make")
    assert sync_first.sync.status is Status.NATIVE
    assert sync_first.async_.status is Status.DERIVED
    assert str(sync_first.async_) == "derived from SyncFirst.make"
    assert sync_first.hazard is None

    async_first = describe(AsyncFirstChild).pair("make")
    assert str(async_first.sync) == "derived from AsyncFirst.amake"
    assert async_first.sync.defined_in is AsyncFirst
    assert async_first.hazard is None


def test_the_derived_classmethod_has_the_signature_of_its_source() -> None:
    for cls, source, derived in ((SyncFirst, "make", "amake"), (AsyncFirst, "amake", "make")):
        for owner in (cls, cls()):
            expected = inspect.signature(side(owner, source))
            assert inspect.signature(side(owner, derived)) == expected
            assert str(expected) == "(tag: 'str', *, times: 'int' = 1) -> 'tuple[type, str]'"
        twin = side(cls, derived)
        assert twin.__name__ == derived
        assert twin.__doc__ == side(cls, source).__doc__
        # Bound to the class: the source's cls parameter is not asked for again.
        inspect.signature(twin).bind("x", times=2)


def replacement_make(cls: type, tag: str, *, times: int = 1) -> tuple[type, str]:
    return (cls, f"replaced:{tag}")


async def replacement_amake(cls: type, tag: str, *, times: int = 1) -> tuple[type, str]:
    return (cls, f"replaced:{tag}")


def test_patching_the_sync_classmethod_is_followed_by_the_derived_twin(backend_mode: Mode) -> None:
    with mock.patch.object(SyncFirst, "make", classmethod(replacement_make)):
        assert backend_mode.call(SyncFirst, "make", "p") == (SyncFirst, "replaced:p")
        # Called from a subclass, the replacement receives the subclass.
        assert backend_mode.call(SyncFirstChild(), "make", "p") == (SyncFirstChild, "replaced:p")
    assert backend_mode.call(SyncFirst, "make", "p") == (SyncFirst, "p")


def test_patching_the_async_classmethod_is_followed_by_the_derived_twin(
    backend_mode: Mode,
) -> None:
    with mock.patch.object(AsyncFirst, "amake", classmethod(replacement_amake)):
        assert backend_mode.call(AsyncFirstChild, "make", "q") == (AsyncFirstChild, "replaced:q")
    assert backend_mode.call(AsyncFirstChild, "make", "q") == (AsyncFirstChild, "q")


def test_a_mock_replacing_the_classmethod_is_called_as_attribute_access_calls_it(
    backend_mode: Mode,
) -> None:
    with mock.patch.object(SyncFirst, "make", return_value="mocked") as replaced:
        assert backend_mode.call(SyncFirst, "make", "m", times=2) == "mocked"
    # A mock is no descriptor: SyncFirst.make("m") would not pass the class either.
    replaced.assert_called_once_with("m", times=2)


def test_patching_a_classmethod_of_a_class_dual_mode_made_is_followed(
    backend_mode: Mode, empty_memory_store: None
) -> None:
    Store = dual_mode(MemoryStore)
    MemoryStore.entries["colour"] = "green"

    def purge_nothing(cls: type) -> int:
        return -1

    # Where the source is defined, and on the class dual_mode() made.
    for patched in (MemoryStore, Store):
        with mock.patch.object(patched, "purge", classmethod(purge_nothing)):
            assert backend_mode.call(Store, "purge") == -1
    assert MemoryStore.entries == {"colour": "green"}
    assert backend_mode.call(Store, "purge") == 1
    assert str(describe(Store).pair("purge").async_) == "derived from MemoryStore.purge"


def test_a_staticmethod_source_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError) as raised:

        class SyncStatic(DualMode):
            __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = PAIRS

            @staticmethod
            def make(tag: str) -> str:
                return tag

    message = str(raised.value)
    assert "cannot derive amake() from" in message
    assert "SyncStatic.make: it is a staticmethod" in message
    assert "Define amake() yourself" in message

    with pytest.raises(TypeError, match=r"cannot derive make\(\) from .*it is a staticmethod"):

        class AsyncStatic(DualMode):
            __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = PAIRS

            @staticmethod
            async def amake(tag: str) -> str:
                return tag


def test_a_classmethod_on_the_wrong_side_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match=r"Misplaced\.make must be a plain `def`"):

        class Misplaced(DualMode):
            __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = PAIRS

            @classmethod
            async def make(cls, tag: str) -> str:
                return tag


def test_both_sides_written_as_classmethods_are_kept(backend_mode: Mode) -> None:
    class Both(DualMode):
        __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = PAIRS

        @classmethod
        def make(cls, tag: str) -> str:
            return f"sync:{tag}"

        @classmethod
        async def amake(cls, tag: str) -> str:
            return f"async:{tag}"

    assert backend_mode.call(Both, "make", "b") == f"{backend_mode}:b"
    described = describe(Both).pair("make")
    assert (described.sync.status, described.async_.status) == (Status.NATIVE, Status.NATIVE)
