"""The dual-mode engine: for each sync/async pair, the most-derived definition wins.

A class names its family in ``__dual_mode_family__`` (or lists pairs of its
own in ``__dual_mode_pairs__``). When the class is created (never per call),
each pair is resolved by walking the MRO:

* the first class that *natively* defines either side decides;
* if it defines only one side, the other is derived from it (see
  :mod:`._derivation`);
* if it defines both, both are kept (a library default the family marks
  ``kept``, beside the twin its own class defines, counts as defined there);
* if no class defines either side, the pair stays absent: Django dispatches
  with ``hasattr()`` and must keep seeing what it saw before.

"Natively" excludes methods this engine derived earlier (on a base class) and
*foreign defaults*: bridges other libraries ship, such as Django's
``BaseBackend.aauthenticate`` (which only calls ``self.authenticate`` in a
thread), as the family declares them. Counting those as definitions would
let a library's generic default shadow a subclass's override, which is the
very hazard this engine removes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from ._derivation import derivation_of, derive_async, derive_sync
from ._family import MethodPair, Preparation, families, family_of, foreign_default

if TYPE_CHECKING:
    from ._family import Family

__all__ = [
    "DualMode",
    "NativeDefinition",
    "find_native",
    "is_native",
    "is_resolved",
    "lookup",
    "pair_named",
    "pairs_of",
    "prepared_of",
    "resolve_pairs",
]


class NativeDefinition(NamedTuple):
    """The class that decides a pair, and which sides it defines itself."""

    owner: type
    has_sync: bool
    has_async: bool


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
            # The library wrote both sides of this class together: keep its default.
            has_sync = has_sync or _keeps_default(klass, pair.sync_name)
            has_async = has_async or _keeps_default(klass, pair.async_name)
            return NativeDefinition(klass, has_sync, has_async)
    return None


def _defines_natively(klass: type, name: str) -> bool:
    namespace = klass.__dict__
    return name in namespace and name not in _placed(klass) and is_native(namespace[name])


def _keeps_default(klass: type, name: str) -> bool:
    namespace = klass.__dict__
    if name not in namespace or name in _placed(klass):
        return False
    default = foreign_default(namespace[name])
    return default is not None and default.kept


def resolve_pairs(
    cls: type, pairs: Iterable[MethodPair], prepared: Mapping[str, Preparation] | None = None
) -> None:
    """Make every pair of ``cls`` follow its most-derived native definition.

    ``prepared`` maps the sync name of a pair whose sync side only touches
    loaded state to how its async side loads that state first (see
    :class:`~auth_backend_sdk.engine.Preparation`).
    """
    prepared = prepared or {}
    for pair in pairs:
        native = find_native(cls, pair)
        if native is None:
            continue
        preparation = prepared.get(pair.sync_name)
        derive_async_side = derive_async
        if preparation is not None:
            derive_async_side = partial(derive_async, preparation=preparation)
        _settle(cls, native, pair.sync_name, native.has_sync, pair.async_name, derive_sync)
        _settle(cls, native, pair.async_name, native.has_async, pair.sync_name, derive_async_side)
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
    derive: Callable[[type, str, str, type], object],
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
    """Base for classes whose pairs are resolved at class creation.

    A family's mixin sets ``__dual_mode_family__``; a class with pairs of its
    own, outside any family, lists them in ``__dual_mode_pairs__``.
    """

    __dual_mode_family__: ClassVar[Family | None] = None
    __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        resolve_pairs(cls, pairs_of(cls), prepared_of(cls))


def pairs_of(cls: type) -> tuple[MethodPair, ...]:
    """The pairs the engine resolves on ``cls``: its own, if it lists some, or its family's."""
    pairs: tuple[MethodPair, ...] = getattr(cls, "__dual_mode_pairs__", ())
    if pairs:
        return pairs
    family: Family | None = getattr(cls, "__dual_mode_family__", None)
    return family.pairs if family is not None else ()


def prepared_of(cls: type) -> Mapping[str, Preparation]:
    """The preparations of ``cls``'s family (empty outside any family)."""
    family: Family | None = getattr(cls, "__dual_mode_family__", None)
    return family.prepared if family is not None else {}


def pair_named(cls: type, sync_name: str) -> MethodPair:
    """The pair whose sync side is ``sync_name``, as ``cls``'s family declares it.

    Failing that (a class outside any family, such as a module of functions,
    or one whose own pairs do not include it), the one pair of that name the
    declared families agree on. ``KeyError`` naming the class when there is none.
    """
    family = None if pairs_of(cls) else family_of(cls)
    own = pairs_of(cls) or (family.pairs if family is not None else ())
    candidates = {pair for pair in own if pair.sync_name == sync_name}
    if not candidates and family is None:
        candidates = {
            pair for known in families() for pair in known.pairs if pair.sync_name == sync_name
        }
    if len(candidates) != 1:
        raise KeyError(f"{cls.__qualname__} has no declared pair whose sync side is {sync_name!r}")
    return candidates.pop()
