"""The session family: Django session stores (``SESSION_ENGINE``), correct in both modes.

:mod:`.family` declares the pairs, :mod:`.mixin` holds
:class:`DualModeSessionMixin`, :mod:`.system_checks` the checks over
``SESSION_ENGINE``, and :mod:`.contract` the session-store contract suite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .mixin import DualModeSessionMixin

__all__ = ["DualModeSessionMixin"]

__getattr__, __dir__ = lazy_exports(__name__, globals(), {"DualModeSessionMixin": ".mixin"})
