"""The authentication family: the pairs of a Django authentication backend, declared once.

Everything that knows authentication backends (the engine's resolution,
``describe()``, ``dual_mode()``, the system checks, the contract suites, the
``check`` command and the mypy plugin) learns them from :data:`AUTHENTICATION`.

Django's ``BaseBackend`` gives every async method a default: most are bridges
to the sync twin through ``self`` (they honour a sync override, one thread hop
per call); ``aget_all_permissions`` and ``ahas_perm`` are composites over other
async methods (they bypass a sync override of their twin). Neither counts as a
native definition. This module imports nothing from ``django.contrib.auth``:
Django imports it while apps load, and the mypy plugin without settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

from ..engine import Family, ForeignDefault, MethodPair, declare_family

__all__ = [
    "AUTHENTICATION",
    "AUTHENTICATION_PAIRS",
    "AUTH_BACKEND_PAIRS",
    "DJANGO_BACKENDS_MODULE",
    "DJANGO_HOOK_PAIRS",
    "PERMISSION_PAIRS",
]

DJANGO_BACKENDS_MODULE = "django.contrib.auth.backends"

AUTHENTICATION_PAIRS: tuple[MethodPair, ...] = (
    MethodPair("authenticate", "aauthenticate"),
    MethodPair("get_user", "aget_user"),
)
"""Pairs without which a backend cannot log anybody in."""

PERMISSION_PAIRS: tuple[MethodPair, ...] = (
    MethodPair("get_user_permissions", "aget_user_permissions"),
    MethodPair("get_group_permissions", "aget_group_permissions"),
    MethodPair("get_all_permissions", "aget_all_permissions"),
    MethodPair("has_perm", "ahas_perm"),
    MethodPair("has_module_perms", "ahas_module_perms"),
)
"""Pairs ``User.has_perm()`` and its kin call on each backend that defines them."""

DJANGO_HOOK_PAIRS: tuple[MethodPair, ...] = (
    MethodPair("configure_user", "aconfigure_user"),
    MethodPair("_get_permissions", "_aget_permissions"),
)
"""Hooks ``ModelBackend`` and ``RemoteUserBackend`` call on ``self``, overridable in subclasses."""

AUTH_BACKEND_PAIRS: tuple[MethodPair, ...] = (
    *AUTHENTICATION_PAIRS,
    *PERMISSION_PAIRS,
    *DJANGO_HOOK_PAIRS,
)
"""Every pair Django's authentication machinery calls, in Django's order."""


def _django_defaults(module: ModuleType) -> Iterator[ForeignDefault]:
    base = module.BaseBackend.__dict__
    bridged = (*AUTHENTICATION_PAIRS, *PERMISSION_PAIRS[:2])  # to get_user/group_permissions
    for pair in bridged:
        yield ForeignDefault(base[pair.async_name], True, f"{pair.sync_name}()", "Django")
    yield ForeignDefault(
        base["aget_all_permissions"],
        False,
        "aget_user_permissions() + aget_group_permissions()",
        "Django",
    )
    yield ForeignDefault(base["ahas_perm"], False, "aget_all_permissions()", "Django")
    yield ForeignDefault(
        module.RemoteUserBackend.__dict__["aconfigure_user"], True, "configure_user()", "Django"
    )


AUTHENTICATION = declare_family(
    Family(
        name="authentication backend",
        pairs=AUTH_BACKEND_PAIRS,
        mixin="auth_backend_sdk.auth.mixin.DualModeMixin",
        system_checks="auth_backend_sdk.auth.system_checks.register_checks",
        default_contracts="auth_backend_sdk.auth.contract.default_contracts",
        # User.get_all_permissions() and its kin skip a backend lacking the method.
        when_missing={
            "get_user_permissions": frozenset(),
            "get_group_permissions": frozenset(),
            "get_all_permissions": frozenset(),
            "has_perm": False,
            "has_module_perms": False,
        },
        library_defaults={DJANGO_BACKENDS_MODULE: _django_defaults},
        # ModelBackend.get_all_permissions only caches what the composite default
        # computes; Django keeps its own sync and async definitions in parity.
        trusted_modules=(DJANGO_BACKENDS_MODULE,),
        hooks={
            "configure_user": f"{DJANGO_BACKENDS_MODULE}.RemoteUserBackend",
            "_get_permissions": f"{DJANGO_BACKENDS_MODULE}.ModelBackend",
        },
    )
)
"""Django authentication backends (``AUTHENTICATION_BACKENDS``)."""
