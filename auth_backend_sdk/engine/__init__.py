"""The generic dual-mode core: resolution, derivation, description, measurement, flows.

Nothing here knows a family's content: each family (authentication backends,
...) declares its pairs and library defaults in a :class:`Family`, and the
engine, ``describe()``, ``dual_mode()`` and the tools learn it from there.
This package imports nothing from ``django.contrib``.

Public here: :class:`DualMode`, :class:`Family`, :class:`MethodPair`,
:class:`ForeignDefault`, :class:`Preparation`, :func:`declare_family`,
:exc:`SyncMethodInEventLoopError`; and the modules :mod:`.description`,
:mod:`.hops`, :mod:`.loop_stall` and :mod:`.flow`.
"""

from __future__ import annotations

from ._derivation import SyncMethodInEventLoopError
from ._family import Family, ForeignDefault, MethodPair, Preparation, declare_family
from ._resolution import DualMode

# Documented where users import them from.
for _public in (DualMode, Family, ForeignDefault, MethodPair, Preparation):
    _public.__module__ = __name__
del _public

__all__ = [
    "DualMode",
    "Family",
    "ForeignDefault",
    "MethodPair",
    "Preparation",
    "SyncMethodInEventLoopError",
    "declare_family",
]
