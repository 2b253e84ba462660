"""Families: the one place the engine and every tool learn a kind of class from.

A family (authentication backends, session stores, ...) declares:

* its pairs, each with its explicit twin name (``MethodPair("__setitem__",
  "aset")``): no tool builds a twin name from a rule;
* the defaults a library ships for one side of a pair (a ``sync_to_async``
  bridge, a composite over other methods), which must not count as real
  definitions, and the modules trusted to keep their own twins in parity;
* the hook pairs a library class calls only on ``self`` (elsewhere a method of
  that name is the class's own business);
* how to recognise a member.

Library defaults are registered lazily, the first time the engine looks at a
class after the library's module has been imported: Django's
``django.contrib.auth.backends`` cannot be imported while apps are loading,
and no class can inherit from it before it is.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, NamedTuple

__all__ = [
    "Family",
    "ForeignDefault",
    "MethodPair",
    "Preparation",
    "add_family_module",
    "declare_family",
    "families",
    "family_of",
    "foreign_default",
    "is_trusted_module",
]


class MethodPair(NamedTuple):
    """A sync method and its async twin, by name."""

    sync_name: str
    async_name: str


class ForeignDefault(NamedTuple):
    """A default a library ships for one side of a pair.

    ``follows_twin`` is True for a bridge that calls its twin through
    ``self`` (it honours any override of the twin, at the cost of a thread
    hop), and False for a composite over *other* methods (it bypasses an
    override of its twin). ``via`` says what it calls, and ``library`` who ships
    it, for ``describe()``.

    ``kept`` is True for a default the library keeps in parity with the twin
    *its own class* defines (Django's ``SessionBase._aget_session`` with
    ``SessionBase._get_session``): where that class decides the pair (no
    subclass overrides either side), the default is kept instead of derived,
    so it costs no thread hop. It never shadows an override below it.
    """

    function: Callable[..., Any]
    follows_twin: bool
    via: str
    library: str = "library"
    kept: bool = False


class Preparation(NamedTuple):
    """How to derive the async side of a pair whose sync side only touches loaded state.

    The derived async side awaits ``self.<method>()`` (which loads the state
    asynchronously, through whatever wins for that pair), then runs the sync
    side on the event loop: no thread hop. A call passing any keyword in
    ``unless_given`` does not load first (Django's ``get_expiry_age(expiry=...)``
    is documented never to load the session).
    """

    method: str
    unless_given: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Family:
    """A kind of class whose sync/async pairs the engine resolves."""

    name: str
    """What a member is called in messages: ``"authentication backend"``."""
    pairs: tuple[MethodPair, ...]
    """Every pair, in the order tools show them."""
    mixin: str
    """Dotted path of the family's mixin, which ``dual_mode()`` puts first in the bases."""
    library_defaults: Mapping[str, Callable[[ModuleType], Iterable[ForeignDefault]]] = field(
        default_factory=dict
    )
    """Module name -> the defaults that module ships, registered once it is imported."""
    trusted_modules: tuple[str, ...] = ()
    """Modules that keep their own sync and async definitions in parity."""
    hooks: Mapping[str, str] = field(default_factory=dict)
    """Sync name of a hook pair -> dotted path of the library class that calls it on ``self``."""
    is_member: Callable[[type], bool] | None = None
    """Whether a class is a member; by default, whether it defines a side of any pair."""
    system_checks: str = ""
    """Dotted path of a function registering the family's Django system checks."""
    when_missing: Mapping[str, object] = field(default_factory=dict)
    """Sync name -> what the library's dispatch answers for a member lacking that pair
    (Django's ``User.has_perm()`` skips such a backend: ``False``)."""
    default_contracts: str = ""
    """Dotted path of a function giving the contract suites to run on a member that no
    contract module names (``check`` without ``--contract``)."""
    module_class: str = ""
    """The class a module stands for, when a setting names a module rather than a class
    (``SESSION_ENGINE`` names a module; Django uses its ``SessionStore``)."""
    prepared: Mapping[str, Preparation] = field(default_factory=dict)
    """Sync name -> the :class:`Preparation` of a pair whose sync side only touches
    state loaded by another method (a session's ``__setitem__``)."""

    def pair(self, sync_name: str) -> MethodPair:
        """The pair whose sync side is ``sync_name``; ``KeyError`` for any other name."""
        for pair in self.pairs:
            if pair.sync_name == sync_name:
                return pair
        raise KeyError(sync_name)

    def twin_name(self, name: str) -> str:
        """The other side's name, for either side of a pair; ``KeyError`` for any other name."""
        for pair in self.pairs:
            if name == pair.sync_name:
                return pair.async_name
            if name == pair.async_name:
                return pair.sync_name
        raise KeyError(name)

    def recognises(self, cls: type) -> bool:
        """Whether ``cls`` is a member of this family."""
        if self.is_member is not None:
            return self.is_member(cls)
        return any(hasattr(cls, name) for pair in self.pairs for name in pair)

    def takes_part(self, cls: type, pair: MethodPair) -> bool:
        """Whether the library calls ``pair`` on ``cls``.

        Always, for the pairs the library calls on every member; a hook pair
        only on subclasses of the library class that calls it: elsewhere it
        is a method of the class's own that happens to share the name.
        """
        caller_path = self.hooks.get(pair.sync_name)
        if caller_path is None:
            return True
        module_name, _, class_name = caller_path.rpartition(".")
        module = sys.modules.get(module_name)
        caller = getattr(module, class_name, None)
        return isinstance(caller, type) and issubclass(cls, caller)


_families: list[Family] = []
_family_modules: list[str] = []
_pending_defaults: list[tuple[str, Callable[[ModuleType], Iterable[ForeignDefault]]]] = []
_foreign_defaults: dict[int, ForeignDefault] = {}
_trusted_modules: set[str] = set()
_registering = threading.Lock()


def declare_family(family: Family) -> Family:
    """Make ``family`` known to the engine and every tool; returns it, for module-level use."""
    if any(known.name == family.name for known in _families):
        raise ValueError(f"a family named {family.name!r} is already declared")
    _families.append(family)
    _pending_defaults.extend(family.library_defaults.items())
    _trusted_modules.update(family.trusted_modules)
    return family


def add_family_module(module: str) -> None:
    """Import ``module``, which declares a family, the first time families are needed."""
    if module not in _family_modules:
        _family_modules.append(module)


def families() -> tuple[Family, ...]:
    """Every declared family, importing the modules that declare them first."""
    for module in _family_modules:
        importlib.import_module(module)
    return tuple(_families)


def family_of(cls: type) -> Family | None:
    """The family ``cls`` belongs to: the one its mixin names, else the only one recognising it.

    A family's own membership test (``is_member``) outranks recognition by method
    names. ``None`` when no family recognises the class; ``TypeError`` when several do.
    """
    declared: Family | None = getattr(cls, "__dual_mode_family__", None)
    if declared is not None:
        return declared
    candidates = [family for family in families() if family.recognises(cls)]
    # A family that tests membership (a session store subclasses SessionBase) outranks
    # families that only recognise method names: a store's __setitem__ makes it no key store.
    tested = [family for family in candidates if family.is_member is not None]
    if tested:
        candidates = tested
    if len(candidates) > 1:
        names = " and ".join(repr(family.name) for family in candidates)
        raise TypeError(
            f"{cls.__module__}.{cls.__qualname__} is recognised by the families {names}; "
            f"pass family= to say which."
        )
    return candidates[0] if candidates else None


def _register_loaded_defaults() -> None:
    # Each library's defaults are registered once its module is in sys.modules:
    # before that, no class can inherit them. Classes may be created in several
    # threads at once (backends imported lazily by workers): one registers.
    with _registering:
        for entry in list(_pending_defaults):
            module_name, list_defaults = entry
            module = sys.modules.get(module_name)
            if module is None:
                continue
            for default in list_defaults(module):
                _foreign_defaults[id(default.function)] = default
            _pending_defaults.remove(entry)


def foreign_default(value: object) -> ForeignDefault | None:
    """The registration of ``value`` as a library default, if it is one."""
    if len(_families) < len(_family_modules):
        families()  # a family not imported yet has not declared its defaults
    if _pending_defaults:
        _register_loaded_defaults()
    entry = _foreign_defaults.get(id(value))
    return entry if entry is not None and entry.function is value else None


def is_trusted_module(module: str | None) -> bool:
    """Whether a family declared ``module`` to keep its own twins in parity."""
    return module in _trusted_modules
