"""``dual_mode()``: make an existing class of any family dual-mode without touching it."""

from __future__ import annotations

import sys
import types
from typing import TypeVar, overload

from django.utils.module_loading import import_string

from ._family import Family
from ._loading import load_class, require_family
from ._resolution import is_resolved, resolve_pairs

__all__ = ["dual_mode"]

_T = TypeVar("_T")


@overload
def dual_mode(
    backend: type[_T], *, module: str | None = None, family: Family | None = None
) -> type[_T]: ...
@overload
def dual_mode(backend: str, *, module: str | None = None, family: Family | None = None) -> type: ...


def dual_mode(
    backend: type[_T] | str, *, module: str | None = None, family: Family | None = None
) -> type[_T] | type:
    """Return a dual-mode subclass of ``backend``, leaving ``backend`` itself unchanged.

    ``backend`` is a class or its dotted import path: an authentication
    backend or a session store. Assign the result in a module of your own and
    list *that* path in ``AUTHENTICATION_BACKENDS``::

        # myproject/auth_backends.py
        from auth_backend_sdk import dual_mode

        ObjectPermissionBackend = dual_mode("rules.permissions.ObjectPermissionBackend")

    or, for a session store, name the module in ``SESSION_ENGINE``::

        # myproject/sessions.py, with SESSION_ENGINE = "myproject.sessions"
        SessionStore = dual_mode("qsessions.backends.db.SessionStore")

    The subclass keeps the class's name and qualified name (a session store
    keeps its key salt: existing sessions stay readable) and reports the
    calling module as its ``__module__`` (pass ``module=`` to choose another),
    so Django's ``load_backend()`` finds it in any process that imports that
    module. A
    class that is already dual-mode is returned as it is. The family (an
    authentication backend, ...) is recognised from the class; pass
    ``family=`` for a class several families recognise.
    """
    cls = load_class(backend, caller="dual_mode")
    family = require_family(cls, caller="dual_mode", family=family)
    mixin: type = import_string(family.mixin)
    if issubclass(cls, mixin) and is_resolved(cls):
        return cls
    if module is None:
        module = sys._getframe(1).f_globals.get("__name__", cls.__module__)
    # The qualified name too: Django's SessionBase.key_salt is built from it, and a
    # store whose salt changed would read every existing session as empty.
    namespace = {"__module__": module, "__qualname__": cls.__qualname__, "__doc__": cls.__doc__}
    bases = (cls,) if issubclass(cls, mixin) else (mixin, cls)
    # types.new_class honours the metaclass's __prepare__, as a class statement would.
    adapted = types.new_class(cls.__name__, bases, exec_body=lambda ns: ns.update(namespace))
    if not is_resolved(adapted):
        # A base's __init_subclass__ did not call super(): resolve explicitly.
        resolve_pairs(adapted, family.pairs, family.prepared)
    return adapted
