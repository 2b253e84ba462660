"""What Django itself ships for the backend pairs: defaults, not overrides.

Django's ``BaseBackend`` gives every async method a default: most are bridges
to the sync twin through ``self`` (they honour a sync override, one thread hop
per call); ``aget_all_permissions`` and ``ahas_perm`` are composites over other
async methods (they bypass a sync override of their twin). Neither counts as a
native definition when the engine resolves a pair.

``django.contrib.auth.backends`` calls ``get_user_model()`` at import time, so
it cannot be imported while apps are loading. No class can inherit from it
before it is imported, so registering only once it is loaded is enough.
"""

from __future__ import annotations

import sys

from .engine import register_foreign_default, trust_module

__all__ = ["DJANGO_BACKENDS_MODULE", "calls_pair", "register_django_defaults"]

DJANGO_BACKENDS_MODULE = "django.contrib.auth.backends"

_registered = False


def register_django_defaults() -> None:
    """Register Django's async defaults with the engine, once, if Django's module is loaded."""
    global _registered
    module = sys.modules.get(DJANGO_BACKENDS_MODULE)
    if _registered or module is None:
        return
    base = module.BaseBackend.__dict__
    for name in ("aauthenticate", "aget_user", "aget_user_permissions", "aget_group_permissions"):
        register_foreign_default(base[name], follows_twin=True, via=f"{name[1:]}()")
    register_foreign_default(
        base["aget_all_permissions"],
        follows_twin=False,
        via="aget_user_permissions() + aget_group_permissions()",
    )
    register_foreign_default(base["ahas_perm"], follows_twin=False, via="aget_all_permissions()")
    register_foreign_default(
        module.RemoteUserBackend.__dict__["aconfigure_user"],
        follows_twin=True,
        via="configure_user()",
    )
    # ModelBackend.get_all_permissions only caches what the composite default
    # computes; Django keeps its own sync and async definitions in parity.
    trust_module(DJANGO_BACKENDS_MODULE)
    _registered = True


_HOOK_CALLERS = {"configure_user": "RemoteUserBackend", "_get_permissions": "ModelBackend"}
"""The hook pairs Django calls only from one class of its own, on ``self``."""


def calls_pair(backend_class: type, sync_name: str) -> bool:
    """Whether Django calls the pair ``sync_name`` on ``backend_class``.

    Always, for the pairs ``django.contrib.auth`` calls on every backend; a
    hook pair (``configure_user``, ``_get_permissions``) only on subclasses of
    the Django class that calls it: elsewhere it is a method of the backend's
    own that happens to share the name.
    """
    caller = _HOOK_CALLERS.get(sync_name)
    if caller is None:
        return True
    module = sys.modules.get(DJANGO_BACKENDS_MODULE)
    return module is not None and issubclass(backend_class, getattr(module, caller))
