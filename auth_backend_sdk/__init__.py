"""Make Django authentication backends correct and fast in both sync and async mode.

Public names are imported lazily: Django imports this package while it loads
``INSTALLED_APPS``, before ``django.contrib.auth.backends`` may be imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from . import protocols
    from .adapt import dual_mode
    from .backends import BaseBackend
    from .description import describe
    from .engine import MethodPair
    from .exceptions import SyncMethodInEventLoopError
    from .mixin import DualModeMixin

__all__ = [
    "BaseBackend",
    "DualModeMixin",
    "MethodPair",
    "SyncMethodInEventLoopError",
    "describe",
    "dual_mode",
    "protocols",
]

__version__ = "0.1.0.dev0"

_LAZY = {
    "BaseBackend": ".backends",
    "DualModeMixin": ".mixin",
    "MethodPair": ".engine",
    "SyncMethodInEventLoopError": ".exceptions",
    "describe": ".description",
    "dual_mode": ".adapt",
    "protocols": ".protocols",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
