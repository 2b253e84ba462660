"""``describe()``: what each sync/async pair of a class resolves to, and the hazards.

For every pair it reports each side as *native* (written by hand), *derived*
(synthesized by this SDK, or a bridge/composite default Django ships) or
*missing*, with the class it comes from, and names the hazard if the two
sides disagree:

* ``async-shadowed``: the sync side is overridden in a more-derived class
  than the async side, so async callers bypass the override;
* ``sync-shadowed``: the same the other way round;
* ``async-missing``: async callers skip this class or crash (Django skips
  a backend without ``aauthenticate``);
* ``sync-missing``: the same for sync callers.

It works on any member of a family, dual-mode or not: the system checks use
it on every entry of ``AUTHENTICATION_BACKENDS``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .._columns import align
from ._derivation import derivation_of
from ._family import Family, MethodPair, foreign_default, is_trusted_module
from ._loading import load_class, require_family
from ._resolution import is_resolved, lookup, pairs_of

__all__ = ["BackendDescription", "Hazard", "PairDescription", "Side", "Status", "describe"]


class Status(str, enum.Enum):
    """How one side of a pair resolves on the described class."""

    NATIVE = "native"
    DERIVED = "derived"
    MISSING = "missing"


class Hazard(str, enum.Enum):
    """Why the two sides of a pair disagree; each has its system check (E001 to W005)."""

    ASYNC_SHADOWED = "async-shadowed"
    SYNC_SHADOWED = "sync-shadowed"
    ASYNC_MISSING = "async-missing"
    SYNC_MISSING = "sync-missing"


@dataclass(frozen=True)
class Side:
    """One side of a pair as it resolves on the described class."""

    name: str
    status: Status
    defined_in: type | None = None
    derived_from: str | None = None
    """``Class.method`` for sides the SDK derived; what a library default calls, otherwise."""
    library_default: bool = False
    """True for a default a library (Django) ships, such as ``BaseBackend.aget_user``."""
    value: object = field(default=None, repr=False, compare=False)
    qualified: bool = field(default=False, repr=False, compare=False)
    """Name the class with its module: the other side's class has the same name
    (``sesame.backends.ModelBackend`` subclasses Django's ``ModelBackend``)."""
    library: str = field(default="", compare=False)
    """Who ships that default, as its family declares it (``"Django"``)."""

    @property
    def where(self) -> str:
        """The name of the class the side is defined in; empty for a missing side."""
        if self.defined_in is None:
            return ""
        if self.qualified:
            return f"{self.defined_in.__module__}.{self.defined_in.__name__}"
        return self.defined_in.__name__

    def __str__(self) -> str:
        if self.status is Status.MISSING:
            return "missing"
        if self.status is Status.NATIVE:
            return f"native in {self.where}"
        if self.library_default:
            return f"{self.library} default in {self.where}"
        return f"derived from {self.derived_from}"


@dataclass(frozen=True)
class PairDescription:
    """Both sides of one pair, and the hazard if they disagree."""

    pair: MethodPair
    sync: Side
    async_: Side
    hazard: Hazard | None

    @property
    def absent(self) -> bool:
        """Neither side exists: the backend does not take part in this pair at all."""
        return self.sync.status is Status.MISSING and self.async_.status is Status.MISSING

    @property
    def verdict(self) -> str:
        """``"ok"``, ``"absent"`` or the hazard's value, as the table's last column shows it."""
        if self.absent:
            return "absent"
        if self.hazard is None:
            return "ok"
        return self.hazard.value


@dataclass(frozen=True)
class BackendDescription:
    """The result of :func:`~auth_backend_sdk.describe`; ``str()`` gives a table."""

    backend: type
    path: str
    """The dotted path :func:`~auth_backend_sdk.describe` was given, or the class's own."""
    pairs: tuple[PairDescription, ...]

    @property
    def is_dual_mode(self) -> bool:
        """The class went through the dual-mode engine (``dual_mode()`` or ``DualModeMixin``)."""
        return is_resolved(self.backend)

    @property
    def hazards(self) -> tuple[PairDescription, ...]:
        """The pairs whose sides disagree, in Django's order."""
        return tuple(p for p in self.pairs if p.hazard is not None)

    def pair(self, sync_name: str) -> PairDescription:
        """The description of the pair named by its sync side (``"authenticate"``).

        Raises ``KeyError`` for a name that is not one of the described pairs.
        """
        for described in self.pairs:
            if described.pair.sync_name == sync_name:
                return described
        raise KeyError(sync_name)

    def table(self) -> str:
        """One row per pair the backend takes part in, then the absent ones on one line."""
        mode = "dual-mode" if self.is_dual_mode else "not dual-mode"
        rows = [("pair", "sync", "async", "verdict")]
        rows += [
            (p.pair.sync_name, str(p.sync), str(p.async_), p.verdict)
            for p in self.pairs
            if not p.absent
        ]
        lines = [f"{self.path} ({mode})", *align(rows, indent="  ")]
        absent = [p.pair.sync_name for p in self.pairs if p.absent]
        if absent:
            lines.append("  absent: " + ", ".join(absent))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def describe(
    backend: object,
    *,
    pairs: Sequence[MethodPair] | None = None,
    family: Family | None = None,
) -> BackendDescription:
    """Describe how each pair of ``backend`` (instance, class or dotted path) resolves.

    ``pairs`` defaults to the pairs the engine resolves on a dual-mode class,
    and to its family's otherwise (the family is recognised from the class;
    pass ``family=`` for a class several families recognise).
    """
    cls = load_class(backend, caller="describe", allow_instance=True)
    if pairs is None:
        pairs = pairs_of(cls) or require_family(cls, caller="describe", family=family).pairs
    elif not any(lookup(cls, name) for pair in pairs for name in pair):
        names = ", ".join(pair.sync_name for pair in pairs)
        raise TypeError(
            f"describe() was asked about pairs {cls.__module__}.{cls.__qualname__} "
            f"does not take part in: {names} (nor their async twins)."
        )
    path = backend if isinstance(backend, str) else f"{cls.__module__}.{cls.__qualname__}"
    return BackendDescription(cls, path, tuple(_describe_pair(cls, pair) for pair in pairs))


def _describe_pair(cls: type, pair: MethodPair) -> PairDescription:
    sync = _side(cls, pair.sync_name)
    async_ = _side(cls, pair.async_name)
    if _namesakes(sync, async_):
        # "native in ModelBackend" on both sides, of two classes (sesame's and Django's).
        sync, async_ = replace(sync, qualified=True), replace(async_, qualified=True)
    return PairDescription(pair, sync, async_, _hazard(cls, sync, async_))


def _namesakes(sync: Side, async_: Side) -> bool:
    """Both sides are defined in classes of one name (a derived side names its source)."""
    first, second = sync.defined_in, async_.defined_in
    derived = any(s.status is Status.DERIVED and not s.library_default for s in (sync, async_))
    return (
        not derived
        and first is not None
        and second is not None
        and first is not second
        and first.__name__ == second.__name__
    )


def _side(cls: type, name: str) -> Side:
    found = lookup(cls, name)
    if found is None:
        return Side(name, Status.MISSING)
    owner, value = found
    derivation = derivation_of(value)
    if derivation is not None:
        return Side(name, Status.DERIVED, owner, derivation.source_label, value=value)
    default = foreign_default(value)
    if default is not None:
        return Side(
            name, Status.DERIVED, owner, default.via, True, library=default.library, value=value
        )
    return Side(name, Status.NATIVE, owner, value=value)


def _hazard(cls: type, sync: Side, async_: Side) -> Hazard | None:
    if sync.status is Status.MISSING:
        return None if async_.status is Status.MISSING else Hazard.SYNC_MISSING
    if async_.status is Status.MISSING:
        return Hazard.ASYNC_MISSING
    if not _honours(async_, sync):
        return Hazard.ASYNC_SHADOWED
    if not _honours(sync, async_):
        return Hazard.SYNC_SHADOWED
    if sync.status is Status.NATIVE and async_.status is Status.NATIVE:
        return _native_pair_hazard(cls, sync, async_)
    return None


def _honours(side: Side, twin: Side) -> bool:
    """Whether calling ``side`` runs whatever ``twin`` resolves to (or is native)."""
    derivation = derivation_of(side.value)
    if derivation is not None:
        return derivation.follows(twin.value, twin.defined_in)
    default = foreign_default(side.value)
    if default is None or default.follows_twin:
        return True
    # A composite default (BaseBackend.aget_all_permissions sums aget_user_permissions() and
    # aget_group_permissions()) never calls its twin: it recomputes the answer from other
    # methods. The two agree only when the twin is the library's own native definition,
    # which the library keeps in parity with the composite (its trusted modules). A twin
    # written anywhere else (a project's override of get_all_permissions) or derived is not
    # known to compute the same thing, and callers of the composite bypass it.
    return twin.status is Status.NATIVE and _trusted(twin)


def _native_pair_hazard(cls: type, sync: Side, async_: Side) -> Hazard | None:
    # Both sides written by hand. In one class, they were written together: no hazard here
    # (the contract suite checks that they answer alike). In two classes, one class
    # overrode one side and inherited the other, which knows nothing of the override;
    # unless both come from modules a family trusts to keep their own twins in parity
    # across their classes (Django's), that is the shadowing hazard.
    if sync.defined_in is async_.defined_in or (_trusted(sync) and _trusted(async_)):
        return None
    # The side found earlier in the MRO is the override (the MRO rule: the most-derived
    # definition wins, whether or not the two classes are related, as with mixins); the
    # other side is the stale one, and its callers bypass the override.
    mro = cls.__mro__
    sync_rank = mro.index(sync.defined_in)
    async_rank = mro.index(async_.defined_in)
    return Hazard.ASYNC_SHADOWED if sync_rank < async_rank else Hazard.SYNC_SHADOWED


def _trusted(side: Side) -> bool:
    return side.defined_in is not None and is_trusted_module(side.defined_in.__module__)
