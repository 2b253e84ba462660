"""System checks over ``AUTHENTICATION_BACKENDS`` (``manage.py check``).

======================== ======= ==================================================
ID                       Level   Cause
======================== ======= ==================================================
auth_backend_sdk.E001    Error   async side shadowed: async calls bypass a sync override
auth_backend_sdk.E002    Error   sync side shadowed: sync calls bypass an async override
auth_backend_sdk.W003    Warning async side missing: async callers skip or crash
auth_backend_sdk.E004    Error   ``authenticate`` or ``get_user`` has no sync side
auth_backend_sdk.W005    Warning a permission method has no sync side
auth_backend_sdk.E006    Error   the entry cannot be imported, or is not a class
auth_backend_sdk.E007    Error   neither ``authenticate`` nor ``aauthenticate``
======================== ======= ==================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .description import Hazard, PairDescription, describe

__all__ = ["TAG", "check_authentication_backends"]

TAG = "auth_backends"
"""The check tag: ``manage.py check --tag auth_backends`` runs only these checks."""

_ASYNC_MISSING_CONSEQUENCE = {
    "authenticate": (
        "aauthenticate() raises AttributeError whenever a login reaches this backend "
        "(for example after a wrong password in an earlier backend)"
    ),
    "get_user": "aget_user(request) raises AttributeError for users it logged in",
    "has_perm": "User.ahas_perm() skips it, so permissions it grants are denied under async",
    "has_module_perms": (
        "User.ahas_module_perms() skips it, so module permissions it grants are denied under async"
    ),
}
_SYNC_MISSING_CONSEQUENCE = {
    "authenticate": (
        "every login raises AttributeError: Django reads the signature of "
        "backend.authenticate for sync and async logins alike"
    ),
    "get_user": "get_user(request) raises AttributeError for users it logged in",
}


def check_authentication_backends(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Flag each ``AUTHENTICATION_BACKENDS`` entry whose sync and async sides disagree."""
    messages: list[CheckMessage] = []
    for path in settings.AUTHENTICATION_BACKENDS:
        try:
            backend = import_string(path)
        except ImportError as exc:
            messages.append(
                Error(
                    f"This AUTHENTICATION_BACKENDS entry cannot be imported: {exc}",
                    hint="Fix the dotted path, or install the package that provides it.",
                    obj=path,
                    id="auth_backend_sdk.E006",
                )
            )
            continue
        if not isinstance(backend, type):
            messages.append(
                Error(
                    f"This AUTHENTICATION_BACKENDS entry is not a class "
                    f"(it is a {type(backend).__name__}).",
                    hint="List the backend class itself.",
                    obj=path,
                    id="auth_backend_sdk.E006",
                )
            )
            continue
        try:
            described = describe(backend)
        except TypeError as exc:  # a class that defines no backend method at all
            messages.append(
                Error(
                    f"This AUTHENTICATION_BACKENDS entry is not an authentication backend: {exc}",
                    hint="List the backend class itself.",
                    obj=path,
                    id="auth_backend_sdk.E006",
                )
            )
            continue
        if described.pair("authenticate").absent:
            messages.append(_no_authenticate_message(path))
        messages.extend(_pair_message(path, p) for p in described.hazards)
    return messages


def _no_authenticate_message(path: str) -> CheckMessage:
    # django.contrib.auth._get_compatible_backends() reads
    # inspect.signature(backend.authenticate) of every listed backend, for
    # authenticate() and aauthenticate() alike, before asking any of them.
    return Error(
        "Defines neither authenticate() nor aauthenticate(), so every login, sync "
        "or async, raises AttributeError: Django reads the signature of "
        "backend.authenticate for each backend it tries.",
        hint=(
            "A backend that only answers permission checks still needs authenticate() "
            "returning None: subclass auth_backend_sdk.BaseBackend (or Django's BaseBackend)."
        ),
        obj=path,
        id="auth_backend_sdk.E007",
    )


def _pair_message(path: str, described: PairDescription) -> CheckMessage:
    sync, async_ = described.sync, described.async_
    wrap = (
        f"Wrap it: `{path.rpartition('.')[2]} = dual_mode({path!r})` in a module of your "
        f"own and list that module's path in AUTHENTICATION_BACKENDS, or put DualModeMixin "
        f"first in its bases."
    )
    hazard = described.hazard
    if hazard is Hazard.ASYNC_SHADOWED:
        return Error(
            f"{sync.name}() is overridden in {sync.where}, but {async_.name}() "
            f"comes from {async_.where}, so async calls bypass the override.",
            hint=f"{wrap} Or define {async_.name}() in {sync.where} as well.",
            obj=path,
            id="auth_backend_sdk.E001",
        )
    if hazard is Hazard.SYNC_SHADOWED:
        return Error(
            f"{async_.name}() is overridden in {async_.where}, but {sync.name}() "
            f"comes from {sync.where}, so sync calls bypass the override.",
            hint=f"{wrap} Or define {sync.name}() in {async_.where} as well.",
            obj=path,
            id="auth_backend_sdk.E002",
        )
    if hazard is Hazard.ASYNC_MISSING:
        consequence = _ASYNC_MISSING_CONSEQUENCE.get(
            sync.name, f"async callers of {async_.name}() skip this backend"
        )
        return Warning(
            f"{sync.name}() is defined in {sync.where} but {async_.name}() is "
            f"missing: {consequence}.",
            hint=wrap,
            obj=path,
            id="auth_backend_sdk.W003",
        )
    fatal = sync.name in _SYNC_MISSING_CONSEQUENCE
    consequence = _SYNC_MISSING_CONSEQUENCE.get(
        sync.name, f"sync callers of {sync.name}() skip this backend"
    )
    return (Error if fatal else Warning)(
        f"{async_.name}() is defined in {async_.where} but {sync.name}() is "
        f"missing: {consequence}.",
        hint=wrap,
        obj=path,
        id="auth_backend_sdk.E004" if fatal else "auth_backend_sdk.W005",
    )


def register_checks() -> None:
    register(check_authentication_backends, Tags.security, TAG)
