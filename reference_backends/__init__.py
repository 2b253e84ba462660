"""Native async reference backends, drop-in for Django's.

    AUTHENTICATION_BACKENDS = ["reference_backends.ModelBackend"]

Each class subclasses Django's class of the same name and behaves like it in
both modes; the async side is native and never blocks the event loop.

Names are imported lazily: like ``django.contrib.auth.backends``, the
modules behind them need the app registry to be ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth_backend_sdk._lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
