"""Make Django authentication backends and session stores correct and fast in both modes.

Layers, from the bottom: :mod:`.engine` (the generic core), one package per
family (:mod:`.auth`, :mod:`.sessions`), then the tools (:mod:`.testing`, the ``check``
command, :mod:`.mypy_plugin`). The families shipped here are wired below;
the engine imports each the first time it needs to know them.

Public names are imported lazily: Django imports this package while it loads
``INSTALLED_APPS``, before ``django.contrib.auth.backends`` may be imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from .engine._family import add_family_module

if TYPE_CHECKING:
    from . import protocols
    from .auth.backends import BaseBackend
    from .auth.mixin import DualModeMixin
    from .engine import MethodPair, SyncMethodInEventLoopError
    from .engine._adapt import dual_mode
    from .engine.description import describe

add_family_module("auth_backend_sdk.auth.family")
add_family_module("auth_backend_sdk.sessions.family")

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
    "BaseBackend": ".auth.backends",
    "DualModeMixin": ".auth.mixin",
    "MethodPair": ".engine",
    "SyncMethodInEventLoopError": ".engine",
    "describe": ".engine.description",
    "dual_mode": ".engine._adapt",
    "protocols": ".protocols",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
