"""The sync/async pairs of a Django authentication backend, declared once."""

from __future__ import annotations

from .engine import MethodPair

__all__ = [
    "AUTHENTICATION_PAIRS",
    "AUTH_BACKEND_PAIRS",
    "DJANGO_HOOK_PAIRS",
    "PAIR_BY_SYNC_NAME",
    "PERMISSION_PAIRS",
]

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

PAIR_BY_SYNC_NAME: dict[str, MethodPair] = {pair.sync_name: pair for pair in AUTH_BACKEND_PAIRS}
"""Each pair, by the name of its sync side: ``PAIR_BY_SYNC_NAME["has_perm"]``."""
