"""The authentication contract suites, and what the ``check`` command runs by default.

:class:`~.suites.AuthBackendContract` and :class:`~.suites.PermissionBackendContract`
are public as ``auth_backend_sdk.testing.AuthBackendContract`` and
``auth_backend_sdk.testing.PermissionBackendContract``; :func:`default_contracts`
is what the family declares for the ``check`` command to run on a backend no
contract module names.
"""

from __future__ import annotations

from .base import AuthContractBase
from .capabilities import ANSWERS_PERMISSIONS, AUTHENTICATES, Capability, infer_capabilities
from .suites import AuthBackendContract, PermissionBackendContract

__all__ = [
    "AuthBackendContract",
    "AuthContractBase",
    "PermissionBackendContract",
    "default_contracts",
]


def default_contracts(backend_class: type) -> list[type[AuthContractBase]]:
    """The contracts for what Django calls on the class: logins, permissions, or both.

    Read from the inferred capabilities: a class whose ``authenticate``
    cannot take Django's request is no login backend for Django (it skips
    it); permissions are for any class with a permission method of its own.
    """
    contracts: list[type[AuthContractBase]] = []
    inferred = infer_capabilities(backend_class)
    if inferred & (AUTHENTICATES | {Capability.GET_USER}):
        contracts.append(AuthBackendContract)
    if inferred & ANSWERS_PERMISSIONS:
        contracts.append(PermissionBackendContract)
    if not contracts:
        contracts.append(AuthBackendContract)  # its structure check says what Django calls
    if len(contracts) == 2:
        return [type("AuthAndPermissionContract", tuple(contracts), {"__module__": __name__})]
    return contracts
