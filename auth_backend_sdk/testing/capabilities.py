"""What a backend supports, declared in the manner of SQLAlchemy's dialect requirements.

A contract check that needs a capability the backend does not declare is
skipped and reported as skipped, never counted as passed::

    class TestTokenBackend(AuthBackendContract, TestCase):
        backend = "myapp.backends.TokenBackend"
        capabilities = {Capability.OTHER_CREDENTIALS, Capability.GET_USER}
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable

from ..engine import lookup

__all__ = ["Capability", "CredentialStyle", "credential_style", "infer_capabilities"]


class Capability(str, enum.Enum):
    PASSWORD_CREDENTIALS = "password credentials"
    """``authenticate(request, username=..., password=...)``."""
    OTHER_CREDENTIALS = "other credentials"
    """Credential keyword arguments other than a password: a token, ``remote_user``, ..."""
    GET_USER = "get_user"
    USER_PERMISSIONS = "user permissions"
    GROUP_PERMISSIONS = "group permissions"
    ALL_PERMISSIONS = "all permissions"
    """``get_all_permissions``, ``has_perm`` and ``has_module_perms`` from global grants."""
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


class CredentialStyle(str, enum.Enum):
    PASSWORD = "password"
    REMOTE_USER = "remote_user"
    OTHER = "other"
    NONE = "none"


def credential_style(backend_class: type) -> CredentialStyle:
    """How the default hooks can make credentials for this backend."""
    found = lookup(backend_class, "authenticate") or lookup(backend_class, "aauthenticate")
    if found is None:
        return CredentialStyle.NONE
    function = found[1]
    if not callable(function):
        return CredentialStyle.OTHER
    if _binds(function, remote_user="x"):
        return CredentialStyle.REMOTE_USER
    if _binds(function, username="x", password="x"):
        return CredentialStyle.PASSWORD
    return CredentialStyle.OTHER


def _binds(function: Callable[..., object], **credentials: str) -> bool:
    try:
        signature = inspect.signature(function)
        signature.bind(None, None, **credentials)  # self, request
    except (TypeError, ValueError):
        return False
    # ``**kwargs`` binds anything: require the names themselves.
    return all(name in signature.parameters for name in credentials)


def infer_capabilities(backend_class: type) -> frozenset[Capability]:
    """Capabilities read from what the class defines, for backends that declare none.

    Global permissions are inferred for subclasses of Django's ``ModelBackend``
    only (the default hooks grant through its tables). Object permissions and
    ``PermissionDenied`` cannot be read from a class: declare them.
    """
    found: set[Capability] = set()
    style = credential_style(backend_class)
    if style is CredentialStyle.PASSWORD:
        found.add(Capability.PASSWORD_CREDENTIALS)
    elif style in (CredentialStyle.REMOTE_USER, CredentialStyle.OTHER):
        found.add(Capability.OTHER_CREDENTIALS)
    if style is CredentialStyle.REMOTE_USER and getattr(
        backend_class, "create_unknown_user", False
    ):
        found.add(Capability.CREATES_USERS)
    if _defines(backend_class, "get_user"):
        found.add(Capability.GET_USER)
    if _is_model_backend(backend_class):
        # The default grant hooks write Django's permission tables, which only
        # ModelBackend-compatible backends are known to read.
        found |= GLOBAL_PERMISSIONS
    return frozenset(found)


def _defines(backend_class: type, sync_name: str) -> bool:
    return any(lookup(backend_class, name) for name in (sync_name, f"a{sync_name}"))


def _is_model_backend(backend_class: type) -> bool:
    from django.contrib.auth.backends import ModelBackend

    return issubclass(backend_class, ModelBackend)
