"""Native async reference backends, drop-in for Django's.

    AUTHENTICATION_BACKENDS = ["reference_backends.ModelBackend"]

Each class subclasses Django's class of the same name and behaves like it in
both modes; the async side is native and never blocks the event loop.

Names are imported lazily: like ``django.contrib.auth.backends``, the
modules behind them need the app registry to be ready.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model_backend import AllowAllUsersModelBackend, ModelBackend
    from .remote_user_backend import AllowAllUsersRemoteUserBackend, RemoteUserBackend

__all__ = [
    "AllowAllUsersModelBackend",
    "AllowAllUsersRemoteUserBackend",
    "ModelBackend",
    "RemoteUserBackend",
]

_LAZY = {
    "AllowAllUsersModelBackend": ".model_backend",
    "ModelBackend": ".model_backend",
    "AllowAllUsersRemoteUserBackend": ".remote_user_backend",
    "RemoteUserBackend": ".remote_user_backend",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
