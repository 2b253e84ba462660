"""``dual_mode()``: make an existing backend class dual-mode without touching it."""

from __future__ import annotations

import sys
from typing import TypeVar, overload

from .engine import lookup
from .loading import load_backend_class
from .mixin import DualModeMixin
from .pairs import AUTH_BACKEND_PAIRS

__all__ = ["dual_mode"]

_T = TypeVar("_T")


@overload
def dual_mode(backend: type[_T], *, module: str | None = None) -> type[_T]: ...
@overload
def dual_mode(backend: str, *, module: str | None = None) -> type: ...


def dual_mode(backend: type[_T] | str, *, module: str | None = None) -> type[_T] | type:
    """Return a dual-mode subclass of ``backend``, leaving ``backend`` itself unchanged.

    ``backend`` is a class or its dotted import path. Assign the result in a
    module of your own and list *that* path in ``AUTHENTICATION_BACKENDS``::

        # myproject/auth_backends.py
        from auth_backend_sdk import dual_mode

        ObjectPermissionBackend = dual_mode("rules.permissions.ObjectPermissionBackend")

    The subclass keeps the class's name and reports the calling module as its
    ``__module__`` (pass ``module=`` to choose another), so Django's
    ``load_backend()`` finds it in any process that imports that module. A
    class that is already dual-mode is returned as it is.
    """
    cls = load_backend_class(backend, caller="dual_mode")
    if issubclass(cls, DualModeMixin):
        return cls
    if not any(lookup(cls, name) for pair in AUTH_BACKEND_PAIRS for name in pair):
        names = ", ".join(pair.sync_name for pair in AUTH_BACKEND_PAIRS)
        raise TypeError(
            f"dual_mode() expects an authentication backend, but "
            f"{cls.__module__}.{cls.__qualname__} defines none of: {names} "
            f"(nor their async twins)."
        )
    if module is None:
        module = sys._getframe(1).f_globals.get("__name__", cls.__module__)
    namespace = {"__module__": module, "__qualname__": cls.__name__, "__doc__": cls.__doc__}
    return type(cls)(cls.__name__, (DualModeMixin, cls), namespace)
