"""Make Django authentication backends correct and fast in both sync and async mode.

Public names are imported lazily: Django imports this package while it loads
``INSTALLED_APPS``, before ``django.contrib.auth.backends`` may be imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(module_name, __name__)
    value = module if name == "protocols" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
