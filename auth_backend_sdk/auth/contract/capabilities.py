"""What a backend supports, declared in the manner of SQLAlchemy's dialect requirements.

A contract check that needs a capability the backend does not declare is
skipped and reported as skipped, never counted as passed::

    class TestTokenBackend(AuthBackendContract, TestCase):
        backend = "myapp.backends.TokenBackend"
        capabilities = {Capability.OTHER_CREDENTIALS, Capability.GET_USER}

Undeclared, they are inferred from the class, reading it as Django reads
it (:func:`infer_capabilities`, with the reasons :func:`explain_capabilities`
gives).
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable

from ...engine._resolution import lookup
from ...testing.harness import Inference
from ..family import AUTHENTICATION, PERMISSION_PAIRS

__all__ = [
    "Capability",
    "CredentialStyle",
    "Inference",
    "credential_style",
    "explain_capabilities",
    "infer_capabilities",
]


class Capability(str, enum.Enum):
    PASSWORD_CREDENTIALS = "password credentials"
    """``authenticate(request, username=..., password=...)``."""
    OTHER_CREDENTIALS = "other credentials"
    """Other credentials than a password: a token, ``remote_user``, an assertion, a header..."""
    GET_USER = "get_user"
    USER_PERMISSIONS = "user permissions"
    GROUP_PERMISSIONS = "group permissions"
    ALL_PERMISSIONS = "all permissions"
    """``get_all_permissions``, ``has_perm`` and ``has_module_perms`` from global grants."""
    PERMISSION_CHECKS = "permission checks"
    """Answers ``has_perm()`` and kin from rules of its own, which the suite cannot grant
    without hooks: the checks that need no grant run (parity on generated users,
    permissions and objects; event-loop stalls and thread hops)."""
    OBJECT_PERMISSIONS = "object permissions"
    """Grants on one object (``obj=``), which the contract's hooks must be able to make."""
    CREATES_USERS = "creates users"
    """Authenticating unknown credentials creates the user (``RemoteUserBackend``)."""
    RAISES_PERMISSION_DENIED = "raises PermissionDenied"
    """Some credentials are refused with ``PermissionDenied``, which stops Django's search."""

    def __str__(self) -> str:
        return self.value


AUTHENTICATES = frozenset({Capability.PASSWORD_CREDENTIALS, Capability.OTHER_CREDENTIALS})
GLOBAL_PERMISSIONS = frozenset(
    {Capability.USER_PERMISSIONS, Capability.GROUP_PERMISSIONS, Capability.ALL_PERMISSIONS}
)
ANSWERS_PERMISSIONS = GLOBAL_PERMISSIONS | {
    Capability.PERMISSION_CHECKS,
    Capability.OBJECT_PERMISSIONS,
}


class CredentialStyle(str, enum.Enum):
    PASSWORD = "password"
    REMOTE_USER = "remote_user"
    OTHER = "other"
    NO_REQUEST = "no request"
    """``authenticate`` cannot take the request Django passes first: Django skips it."""
    NONE = "none"


def credential_style(backend_class: type) -> CredentialStyle:
    """How Django can call this backend's ``authenticate``, and with which credentials."""
    function = _authenticate_of(backend_class)
    if function is None:
        return CredentialStyle.NONE
    if not callable(function):
        return CredentialStyle.OTHER
    if not takes_a_request(function):
        return CredentialStyle.NO_REQUEST
    if _binds(function, remote_user="x"):
        return CredentialStyle.REMOTE_USER
    if _binds(function, username="x", password="x"):
        return CredentialStyle.PASSWORD
    return CredentialStyle.OTHER


_CREDENTIAL_NAMES = frozenset(
    {"username", "password", "email", "user", "token", "key", "code", "otp", "remote_user"}
)
"""Names under which a first parameter awaits a credential, not the request Django passes."""


def takes_a_request(function: Callable[..., object]) -> bool:
    """Whether ``function(self, request, **credentials)`` can receive Django's request.

    Django binds ``(request, **credentials)`` to the signature, the request
    first and positional, whatever the parameter's name (``req`` will do). A
    first parameter named for a credential (``authenticate(self, username,
    password)``) would receive the request: no login of Django's reaches it.
    """
    try:
        parameters = list(inspect.signature(function).parameters.values())[1:]
    except (TypeError, ValueError):
        return True  # a callable without a signature: Django cannot tell either
    if not parameters:
        return False
    first = parameters[0]
    if first.kind is inspect.Parameter.VAR_POSITIONAL:
        return True
    if first.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD):
        return False
    return first.name.lower() not in _CREDENTIAL_NAMES


def _authenticate_of(backend_class: type) -> object | None:
    # Django reads the signature of backend.authenticate for sync and async logins.
    found = lookup(backend_class, "authenticate") or lookup(backend_class, "aauthenticate")
    return None if found is None else found[1]


def _binds(function: Callable[..., object], **credentials: str) -> bool:
    try:
        signature = inspect.signature(function)
        signature.bind(None, None, **credentials)  # self, request
    except (TypeError, ValueError):
        return False
    # ``**kwargs`` binds anything: require the names themselves.
    return all(name in signature.parameters for name in credentials)


def explain_capabilities(backend_class: type) -> tuple[Inference, ...]:
    """How :func:`infer_capabilities` reads ``backend_class``: one line per inference.

    Declaring ``capabilities`` in a contract class (``--contract`` for the
    ``check`` command) overrides them all.
    """
    return (*_login_inferences(backend_class), *_permission_inferences(backend_class))


def _login_inferences(backend_class: type) -> list[Inference]:
    found: list[Inference] = []
    style = credential_style(backend_class)
    takes = f"authenticate{_signature_text(backend_class)}"
    if style is CredentialStyle.PASSWORD:
        found.append(
            _inferred(f"{takes} takes a username and a password", Capability.PASSWORD_CREDENTIALS)
        )
    elif style is CredentialStyle.REMOTE_USER:
        if getattr(backend_class, "create_unknown_user", False):
            why = f"{takes} takes remote_user, and create_unknown_user is true"
            found.append(_inferred(why, Capability.OTHER_CREDENTIALS, Capability.CREATES_USERS))
        else:
            found.append(_inferred(f"{takes} takes remote_user", Capability.OTHER_CREDENTIALS))
    elif style is CredentialStyle.OTHER and _catch_all_of_a_permission_backend(backend_class):
        why = (
            f"{takes} names nothing, and the class answers permissions: read as a "
            "permission backend whose authenticate() logs nobody in (write the login hooks "
            "if it does)"
        )
        found.append(_inferred(why))
    elif style is CredentialStyle.OTHER:
        why = f"{takes} takes other credentials than a password (the login checks need hooks)"
        found.append(_inferred(why, Capability.OTHER_CREDENTIALS))
    elif style is CredentialStyle.NO_REQUEST:
        why = (
            f"not a login backend: {takes} cannot take the request Django passes first, "
            "so Django skips it for every login"
        )
        found.append(_inferred(why))
    if _defines(backend_class, "get_user"):
        found.append(_inferred("defines get_user", Capability.GET_USER))
    return found


def _permission_inferences(backend_class: type) -> list[Inference]:
    if _is_model_backend(backend_class):
        why = "a subclass of Django's ModelBackend: grants go through Django's tables"
        return [_inferred(why, *GLOBAL_PERMISSIONS)]
    if _answers_permissions(backend_class):
        why = (
            "defines permission methods of its own: the checks that need no grant run "
            "(declare 'all permissions' or 'object permissions' and write the grant hooks "
            "for the rest)"
        )
        return [_inferred(why, Capability.PERMISSION_CHECKS)]
    return []


def _inferred(reason: str, *capabilities: Capability) -> Inference:
    return Inference(frozenset(capabilities), reason)


def infer_capabilities(backend_class: type) -> frozenset[Capability]:
    """Capabilities read from what the class defines, for contracts that declare none.

    Global permissions are inferred for subclasses of Django's ``ModelBackend``
    only (the default hooks grant through its tables); other classes with
    permission methods get ``PERMISSION_CHECKS``. Object permissions and
    ``PermissionDenied`` cannot be read from a class: declare them.
    """
    return frozenset(
        Capability(c)
        for inference in explain_capabilities(backend_class)
        for c in inference.capabilities
    )


def _signature_text(backend_class: type) -> str:
    function = _authenticate_of(backend_class)
    try:
        parameters = list(inspect.signature(function).parameters.values())[1:]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"
    return (
        "("
        + ", ".join(str(p.replace(annotation=inspect.Parameter.empty)) for p in parameters)
        + ")"
    )


def _catch_all_of_a_permission_backend(backend_class: type) -> bool:
    """``authenticate(self, *args, **kwargs)`` on a class with permission methods (``rules``).

    It takes whatever Django passes and names nothing, not even the request:
    nothing it could log anyone in with. A contract that writes the login
    hooks says otherwise (``ContractBase.declared_capabilities()``).
    """
    function = _authenticate_of(backend_class)
    try:
        parameters = list(inspect.signature(function).parameters.values())[1:]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    named = [p for p in parameters if p.kind not in variadic]
    return (
        not named and not _is_model_backend(backend_class) and _answers_permissions(backend_class)
    )


def _defines(backend_class: type, sync_name: str) -> bool:
    return any(lookup(backend_class, name) for name in AUTHENTICATION.pair(sync_name))


def _answers_permissions(backend_class: type) -> bool:
    """Whether a permission method is defined anywhere but in Django's ``BaseBackend``.

    ``BaseBackend``'s defaults answer from the empty sets it returns: nothing.
    """
    from django.contrib.auth.backends import BaseBackend

    for pair in PERMISSION_PAIRS:
        for name in pair:
            found = lookup(backend_class, name)
            if found is not None and found[0] is not BaseBackend:
                return True
    return False


def _is_model_backend(backend_class: type) -> bool:
    from django.contrib.auth.backends import ModelBackend

    return issubclass(backend_class, ModelBackend)
