"""The dual-mode engine: for each sync/async pair, the most-derived definition wins.

A class lists its pairs once, in ``__dual_mode_pairs__``. When the class is
created (never per call), each pair is resolved by walking the MRO:

* the first class that *natively* defines either side decides;
* if it defines only one side, the other is derived from it (see
  :mod:`auth_backend_sdk.bridge`);
* if it defines both, both are kept;
* if no class defines either side, the pair stays absent: Django dispatches
  with ``hasattr()`` and must keep seeing what it saw before.

"Natively" excludes methods this engine derived earlier (on a base class) and
*foreign defaults*: bridges other libraries ship, such as Django's
``BaseBackend.aauthenticate`` (which only calls ``self.authenticate`` in a
thread). Counting those as definitions would let a library's generic default
shadow a subclass's override, which is the very hazard this engine removes.

Nothing here knows about authentication: session stores and other classes
with ``x``/``ax`` pairs can declare their own pairs and reuse the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, NamedTuple

from .bridge import derivation_of, derive_async, derive_sync

__all__ = [
    "DualMode",
    "ForeignDefault",
    "MethodPair",
    "NativeDefinition",
    "find_native",
    "foreign_default",
    "is_native",
    "is_resolved",
    "is_trusted_module",
    "lookup",
    "register_foreign_default",
    "resolve_pairs",
    "trust_module",
]


class MethodPair(NamedTuple):
    """A sync method and its async twin, by name."""

    sync_name: str
    async_name: str


class ForeignDefault(NamedTuple):
    """A default another library ships for one side of a pair.

    ``follows_twin`` is True for a bridge that calls its twin through
    ``self`` (it honours any override of the twin, at the cost of a thread
    hop), and False for a composite over *other* methods (it bypasses an
    override of its twin). ``via`` says what it calls, for :func:`describe`.
    """

    function: Callable[..., Any]
    follows_twin: bool
    via: str


class NativeDefinition(NamedTuple):
    """The class that decides a pair, and which sides it defines itself."""

    owner: type
    has_sync: bool
    has_async: bool


_foreign_defaults: dict[int, ForeignDefault] = {}
_trusted_modules: set[str] = set()


def register_foreign_default(function: Callable[..., Any], *, follows_twin: bool, via: str) -> None:
    """Declare ``function`` a library-provided default, not a native definition."""
    _foreign_defaults[id(function)] = ForeignDefault(function, follows_twin, via)


def foreign_default(value: object) -> ForeignDefault | None:
    """The registration of ``value`` as a foreign default, if it is one."""
    entry = _foreign_defaults.get(id(value))
    return entry if entry is not None and entry.function is value else None


def trust_module(module: str) -> None:
    """Declare that ``module`` keeps its own sync and async definitions in parity.

    Django's ``ModelBackend.get_all_permissions`` only adds a cache over the
    default that ``BaseBackend.aget_all_permissions`` mirrors; that is not a
    shadowed override, and trusting ``django.contrib.auth.backends`` says so.
    """
    _trusted_modules.add(module)


def is_trusted_module(module: str | None) -> bool:
    return module in _trusted_modules


def is_native(value: object) -> bool:
    """True unless ``value`` was derived by this engine or is a foreign default."""
    return derivation_of(value) is None and foreign_default(value) is None


# When a stale derived method sits earlier in the MRO than the winning native
# definition, the engine copies the native one onto the class. The copy is not
# that class's own definition: this per-class mapping (name -> real owner) says
# so, for later resolutions and for describe().
_PLACED = "__dual_mode_placed__"
_RESOLVED = "__dual_mode_resolved__"


def _placed(klass: type) -> dict[str, type]:
    placed: dict[str, type] = klass.__dict__.get(_PLACED, {})
    return placed


def lookup(cls: type, name: str) -> tuple[type, object] | None:
    """Where ``name`` resolves on ``cls``: the class that defined it, and the raw value."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return _placed(klass).get(name, klass), klass.__dict__[name]
    return None


def find_native(cls: type, pair: MethodPair) -> NativeDefinition | None:
    """The first class in ``cls.__mro__`` that natively defines either side of ``pair``."""
    for klass in cls.__mro__:
        has_sync = _defines_natively(klass, pair.sync_name)
        has_async = _defines_natively(klass, pair.async_name)
        if has_sync or has_async:
            return NativeDefinition(klass, has_sync, has_async)
    return None


def _defines_natively(klass: type, name: str) -> bool:
    namespace = klass.__dict__
    return name in namespace and name not in _placed(klass) and is_native(namespace[name])


def resolve_pairs(cls: type, pairs: Iterable[MethodPair]) -> None:
    """Make every pair of ``cls`` follow its most-derived native definition."""
    for pair in pairs:
        native = find_native(cls, pair)
        if native is None:
            continue
        _settle(cls, native, pair.sync_name, native.has_sync, pair.async_name, derive_sync)
        _settle(cls, native, pair.async_name, native.has_async, pair.sync_name, derive_async)
    setattr(cls, _RESOLVED, True)


def is_resolved(cls: type) -> bool:
    """Whether the engine resolved ``cls`` itself (not merely one of its bases).

    False when a base earlier in the MRO defines ``__init_subclass__`` without
    calling ``super()``, so that the engine never saw the class.
    """
    return _RESOLVED in cls.__dict__


def _settle(
    cls: type,
    native: NativeDefinition,
    name: str,
    defined: bool,
    twin_name: str,
    derive: Callable[[type, str, str, type], Callable[..., Any]],
) -> None:
    current = lookup(cls, name)
    current_value = current[1] if current is not None else None
    if defined:
        wanted = native.owner.__dict__[name]
        if current_value is not wanted:
            setattr(cls, name, wanted)
            setattr(cls, _PLACED, {**_placed(cls), name: native.owner})
        return
    derivation = derivation_of(current_value)
    if derivation is not None and derivation.source is native.owner.__dict__[twin_name]:
        return  # already inherited from a base derived from the same source
    setattr(cls, name, derive(native.owner, twin_name, name, cls))


class DualMode:
    """Base for classes whose ``__dual_mode_pairs__`` are resolved at class creation."""

    __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        resolve_pairs(cls, cls.__dual_mode_pairs__)
