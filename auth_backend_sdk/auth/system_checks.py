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
auth_backend_sdk.E008    Error   no ``aauthenticate``, and tried first: every async login crashes
auth_backend_sdk.W009    Warning an overridden hook Django's async side calls on the event loop
======================== ======= ==================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .._system_checks import and_join as _and
from ..engine.description import BackendDescription, Hazard, PairDescription, Status, describe
from ._login_order import Credentials, logins_reaching_first, named_credentials
from ._loop_hooks import HookOnTheLoop, hooks_on_the_loop
from .family import AUTHENTICATION, DJANGO_BACKENDS_MODULE

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


@dataclass(frozen=True)
class _Entry:
    """One ``AUTHENTICATION_BACKENDS`` entry that loaded as a backend class."""

    path: str
    backend: type
    described: BackendDescription

    @property
    def answers_async_logins(self) -> bool:
        return self.described.pair("authenticate").async_.status is not Status.MISSING


def check_authentication_backends(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Flag each ``AUTHENTICATION_BACKENDS`` entry that sync or async callers would trip on.

    Its sync and async sides disagree (E001 to W005), it is no backend (E006,
    E007), Django tries it for async logins it cannot take (E008), or Django's
    own async side calls one of its overridden hooks on the event loop (W009).
    """
    loaded = [_load(path) for path in settings.AUTHENTICATION_BACKENDS]
    entries = [entry for entry in loaded if isinstance(entry, _Entry)]
    logins = [named_credentials(entry.backend) for entry in entries]
    messages: list[CheckMessage] = []
    earlier: list[_Entry] = []
    for entry in loaded:
        if not isinstance(entry, _Entry):
            messages.append(entry)
            continue
        answering = [e.backend for e in earlier if e.answers_async_logins]
        messages.extend(_entry_messages(entry, answering, logins))
        earlier.append(entry)
    return messages


def _load(path: str) -> _Entry | CheckMessage:
    try:
        backend = import_string(path)
    except ImportError as exc:
        return Error(
            f"This AUTHENTICATION_BACKENDS entry cannot be imported: {exc}",
            hint="Fix the dotted path, or install the package that provides it.",
            obj=path,
            id="auth_backend_sdk.E006",
        )
    if not isinstance(backend, type):
        return Error(
            f"This AUTHENTICATION_BACKENDS entry is not a class "
            f"(it is a {type(backend).__name__}).",
            hint="List the backend class itself.",
            obj=path,
            id="auth_backend_sdk.E006",
        )
    try:
        described = describe(backend, family=AUTHENTICATION)
    except TypeError as exc:  # a class that defines no backend method at all
        return Error(
            f"This AUTHENTICATION_BACKENDS entry is not an authentication backend: {exc}",
            hint="List the backend class itself.",
            obj=path,
            id="auth_backend_sdk.E006",
        )
    return _Entry(path, backend, described)


def _entry_messages(
    entry: _Entry, earlier: Sequence[type], logins: Sequence[Credentials]
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if entry.described.pair("authenticate").absent:
        messages.append(_no_authenticate_message(entry.path))
    for described in entry.described.hazards:
        if not AUTHENTICATION.takes_part(entry.backend, described.pair):
            continue  # a method of its own that shares a hook's name: Django never calls it
        crashing: list[Credentials] = []
        if described.hazard is Hazard.ASYNC_MISSING and described.pair.sync_name == "authenticate":
            crashing = logins_reaching_first(entry.backend, earlier, logins)
        if crashing:
            messages.append(_async_logins_crash_message(entry.path, described, crashing))
        else:
            messages.append(_pair_message(entry.path, described))
    messages.extend(_hook_on_loop_message(entry, hook) for hook in hooks_on_the_loop(entry.backend))
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


def _wrap_hint(path: str) -> str:
    return (
        f"Wrap it: `{path.rpartition('.')[2]} = dual_mode({path!r})` in a module of your "
        f"own and list that module's path in AUTHENTICATION_BACKENDS, or put DualModeMixin "
        f"first in its bases."
    )


def _pair_message(path: str, described: PairDescription) -> CheckMessage:
    sync, async_ = described.sync, described.async_
    wrap = _wrap_hint(path)
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


def _async_logins_crash_message(
    path: str, described: PairDescription, crashing: Sequence[Credentials]
) -> CheckMessage:
    # aauthenticate() awaits backend.aauthenticate() on each backend whose
    # authenticate() signature binds the credentials; no backend before this
    # one can answer these, so every such login gets here and raises.
    logins = ", and ".join(f"logins with {_and(credentials)}" for credentials in crashing)
    return Error(
        f"{described.sync.name}() is defined in {described.sync.where} but "
        f"{described.async_.name}() is missing, and Django tries it before any backend "
        f"that can answer {logins}: every async login with those credentials raises "
        f"AttributeError here, whatever the backends after it would answer.",
        hint=(
            f"{_wrap_hint(path)} Listing it after the backends that log users in is not "
            f"enough: the logins they refuse would still reach it."
        ),
        obj=path,
        id="auth_backend_sdk.E008",
    )


def _hook_on_loop_message(entry: _Entry, call: HookOnTheLoop) -> CheckMessage:
    callers = _and([f"{name}()" for name in call.reached_from])
    one = len(call.reached_from) == 1
    # Every Django backend whose async side calls hooks on the loop has a
    # reference_backends class of the same name.
    django_base = next(
        klass for klass in entry.backend.__mro__ if klass.__module__ == DJANGO_BACKENDS_MODULE
    )
    return Warning(
        f"{call.name}() is overridden in {call.defined_in.__name__}, but the {callers} "
        f"it inherits from Django call{'s' if one else ''} it on the event loop: if the "
        f"override touches the database, {'it raises' if one else 'they raise'} "
        f"SynchronousOnlyOperation.",
        hint=(
            f"Subclass reference_backends.{django_base.__name__} instead of Django's "
            f"{django_base.__name__}: it runs overridden hooks in the ORM's thread. "
            f"dual_mode() and DualModeMixin do not help here: Django's own {callers} "
            f"stay{'s' if one else ''} in use. If {call.name}() never touches the "
            f'database, add "auth_backend_sdk.W009" to SILENCED_SYSTEM_CHECKS.'
        ),
        obj=entry.path,
        id="auth_backend_sdk.W009",
    )


def register_checks() -> None:
    register(check_authentication_backends, Tags.security, TAG)
