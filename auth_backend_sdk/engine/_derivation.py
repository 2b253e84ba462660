"""Synthesize the missing side of a sync/async method pair.

A derived method is built once, at class creation, from one *function* (not
from ``self.<name>``): ``super()`` calls into a derived method then reach the
source defined on that same class, exactly as they would reach a hand-written
twin. The asgiref bridge object is built once too; each call only pays for
the thread hop itself.

Derived methods look like their source to every caller that inspects them:
Django binds credentials against ``inspect.signature(backend.authenticate)``,
so ``__signature__`` is copied, and so are ``__doc__`` and ``__wrapped__``.
Their frames carry ``__traceback_hide__`` (as asgiref's own frames do), so
Django's error reports and Sentry skip them; the source keeps its own
``@sensitive_variables`` and still masks what it declared. Arguments cross
into the worker thread sealed (see :class:`_SealedArguments`): asgiref keeps
them in a ``functools.partial`` in frames that error reports do show, and a
password or token there would be printed in full.

A derived method follows a replacement of its source: if the source's name
is reassigned on the class that defines it, or on the class the derived
method is set on (``unittest.mock.patch.object`` in a test, or the subclass
``dual_mode()`` makes), each call runs whatever is there now, bound as
attribute access would bind it. The check is one dictionary lookup per
namespace; while nothing is replaced, the source built in is called.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import FunctionType, MappingProxyType
from typing import Any, cast

from asgiref.sync import AsyncToSync, SyncToAsync, iscoroutinefunction

from ._family import Preparation

__all__ = [
    "Derivation",
    "SyncMethodInEventLoopError",
    "derivation_of",
    "derive_async",
    "derive_sync",
]


class SyncMethodInEventLoopError(RuntimeError):
    """A method derived from its async twin was called inside a running event loop.

    Running it would block the loop for the whole call. Await the async twin
    instead; the message names it.
    """

    __module__ = "auth_backend_sdk.engine"


_MARKER = "__dual_mode_derived__"


@dataclass(frozen=True)
class Derivation:
    """What a derived method was made from: ``owner.source_name``, for ``holder``."""

    owner: type
    source_name: str
    source: object
    """The source as the owner's namespace holds it (a function or a classmethod)."""
    name: str
    holder: type
    """The class the derived method was set on."""
    preparation: Preparation | None = None
    """For an async side run on the loop: what it awaits first."""

    @property
    def source_label(self) -> str:
        label = f"{self.owner.__name__}.{self.source_name}"
        if self.preparation is not None:
            return f"{label} on the loop after {self.preparation.method}()"
        return label

    def follows(self, value: object, defined_in: type | None) -> bool:
        """Whether a call runs ``value``, found as the source's name on ``defined_in``.

        True for the source itself, and for a replacement of it on the owner
        or the holder: the only namespaces a derived method reads per call.
        """
        return value is self.source or defined_in in (self.owner, self.holder)


def derivation_of(value: object) -> Derivation | None:
    """The :class:`Derivation` of a derived method, or None for anything else."""
    if isinstance(value, classmethod):
        value = value.__func__
    marker = getattr(value, _MARKER, None)
    return marker if isinstance(marker, Derivation) else None


def derive_async(
    owner: type,
    source_name: str,
    name: str,
    holder: type | None = None,
    *,
    preparation: Preparation | None = None,
) -> Callable[..., Any] | classmethod[Any, ..., Any]:
    """Build ``<name>`` for ``holder``: an ``async def`` running ``owner.<source_name>``.

    ``holder`` is the class the derived method is set on (``owner`` when
    omitted). The source runs in a thread: ``thread_sensitive=True`` keeps
    every call on the thread Django's ORM uses for the request, so database
    connections and transactions stay consistent with the sync code the
    method was written for. A classmethod source gives a classmethod.

    With a ``preparation``, the source only touches state another method
    loads: the derived side awaits that method, then runs the source on the
    event loop, with no thread hop.
    """
    holder = owner if holder is None else holder
    source, function = _source(owner, source_name, name, want_coroutine=False)
    replacement_of = _replacement_finder(source, source_name, owner, holder)
    if preparation is not None:
        return _dress(
            _on_the_loop(function, replacement_of, preparation),
            function,
            Derivation(owner, source_name, source, name, holder, preparation),
        )

    def unseal(self: Any, sealed: _SealedArguments) -> Any:
        replaced = replacement_of(self)
        if replaced is not None:
            return replaced(*sealed.args, **sealed.kwargs)
        return function(self, *sealed.args, **sealed.kwargs)

    bridge: SyncToAsync[..., Any] = SyncToAsync(unseal, thread_sensitive=True)

    async def derived(self: Any, *args: Any, **kwargs: Any) -> Any:
        __traceback_hide__ = True
        return await bridge(self, _SealedArguments(args, kwargs))

    return _dress(derived, function, Derivation(owner, source_name, source, name, holder))


def _on_the_loop(
    function: Callable[..., Any],
    replacement_of: Callable[[Any], Callable[..., Any] | None],
    preparation: Preparation,
) -> Callable[..., Any]:
    prepare_name = preparation.method
    unless_given = preparation.unless_given

    async def derived(self: Any, *args: Any, **kwargs: Any) -> Any:
        __traceback_hide__ = True
        if not unless_given or not any(keyword in kwargs for keyword in unless_given):
            await getattr(self, prepare_name)()
        replaced = replacement_of(self)
        if replaced is not None:
            return replaced(*args, **kwargs)
        return function(self, *args, **kwargs)

    return derived


def derive_sync(
    owner: type, source_name: str, name: str, holder: type | None = None
) -> Callable[..., Any] | classmethod[Any, ..., Any]:
    """Build ``<name>`` for ``holder``: a plain method running coroutine ``owner.<source_name>``.

    From a worker thread of ``sync_to_async`` the coroutine runs on the outer
    event loop (asgiref's usual routing); from plain sync code it runs in a
    fresh loop. Inside a running event loop it refuses with
    :class:`SyncMethodInEventLoopError`, because blocking there would freeze
    every other task on the loop. A classmethod source gives a classmethod.
    """
    holder = owner if holder is None else holder
    source, function = _source(owner, source_name, name, want_coroutine=True)
    replacement_of = _replacement_finder(source, source_name, owner, holder)
    # Built once: the message names the class the method was derived on.
    in_loop_message = (
        f"{owner.__qualname__}.{name}() is derived from its async twin "
        f"{source_name}() and cannot run inside a running event loop; "
        f"await {source_name}() instead."
    )

    def derived(self: Any, *args: Any, **kwargs: Any) -> Any:
        __traceback_hide__ = True
        if asyncio._get_running_loop() is not None:
            raise SyncMethodInEventLoopError(in_loop_message)
        # A new AsyncToSync per call, as async_to_sync() does: asgiref before
        # 3.9 remembers the first event loop on the instance.
        replaced = replacement_of(self)
        if replaced is not None:
            return AsyncToSync(replaced)(*args, **kwargs)
        return AsyncToSync(function)(self, *args, **kwargs)

    return _dress(derived, function, Derivation(owner, source_name, source, name, holder))


def _replacement_finder(
    source: object, source_name: str, owner: type, holder: type
) -> Callable[[Any], Callable[..., Any] | None]:
    """A function giving what replaced ``source`` (bound to ``self``), or None if nothing did.

    ``self`` is the class itself when ``source`` is a classmethod.

    Only the defining class and the holder are looked at, never
    ``type(self)``: a subclass's own definition of ``source_name`` must not
    be reached when ``super()`` leads here from that subclass.
    """
    is_classmethod = isinstance(source, classmethod)
    defining = owner.__dict__
    holder_namespace: MappingProxyType[str, Any] | None = None
    if holder is not owner:
        holder_namespace = holder.__dict__

    def replacement_of(self: Any) -> Callable[..., Any] | None:
        current = defining.get(source_name, source)
        if holder_namespace is not None and current is source:
            current = holder_namespace.get(source_name, source)
        if current is source:
            return None
        # Bound as attribute access binds it: a function gets self, a Mock does not.
        bind = getattr(type(current), "__get__", None)
        if bind is None:
            return cast("Callable[..., Any]", current)
        if is_classmethod:
            return cast("Callable[..., Any]", bind(current, None, self))
        return cast("Callable[..., Any]", bind(current, self))

    return replacement_of


class _SealedArguments:
    """Call arguments whose ``repr()`` does not show them."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return "<arguments hidden by auth_backend_sdk>"


def _source(
    owner: type, source_name: str, name: str, *, want_coroutine: bool
) -> tuple[object, Callable[..., Any]]:
    """The source as ``owner`` defines it, and the function to call (a classmethod's own)."""
    source = owner.__dict__[source_name]
    function = source.__func__ if isinstance(source, classmethod) else source
    where = f"{owner.__module__}.{owner.__qualname__}.{source_name}"
    if not isinstance(function, FunctionType):
        raise TypeError(
            f"cannot derive {name}() from {where}: it is a {type(source).__name__}, "
            f"not a plain method or classmethod. Define {name}() yourself, or make "
            f"{source_name}() a regular method."
        )
    if iscoroutinefunction(function) != want_coroutine:
        expected = "an `async def`" if want_coroutine else "a plain `def`"
        raise TypeError(
            f"{where} must be {expected} to be the "
            f"{'async' if want_coroutine else 'sync'} side of the pair "
            f"{source_name}/{name}."
        )
    return source, function


def _dress(
    derived: Callable[..., Any], function: Callable[..., Any], derivation: Derivation
) -> Callable[..., Any] | classmethod[Any, ..., Any]:
    derived.__name__ = derivation.name
    derived.__qualname__ = f"{derivation.owner.__qualname__}.{derivation.name}"
    derived.__module__ = derivation.owner.__module__
    derived.__doc__ = function.__doc__
    vars(derived).update(
        {
            "__wrapped__": function,
            "__signature__": inspect.signature(function),
            _MARKER: derivation,
        }
    )
    if isinstance(derivation.source, classmethod):
        return classmethod(derived)
    return derived
