"""The contract-test suite: run it against your backend, in both modes.

Mix :class:`AuthBackendContract` and/or :class:`PermissionBackendContract`
into a test class, name the backend and declare its :class:`Capability`\\s;
override hooks (see :class:`~auth_backend_sdk.testing.hooks.ContractHooks`)
where the defaults don't fit. The same class runs under Django's test
runner (with ``TestCase``) and under pytest (with or without it).

Names are imported lazily: the pytest plugin lives in this package and is
loaded before Django is set up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .bad_input import BAD_VALUES
    from .capabilities import Capability, explain_capabilities, infer_capabilities
    from .contracts import AuthBackendContract, PermissionBackendContract
    from .hooks import ContractHooks, HookMissing, Login
    from .modes import ASYNC, SYNC, Mode, Outcome
    from .reporting import ContractFailure

__all__ = [
    "ASYNC",
    "BAD_VALUES",
    "SYNC",
    "AuthBackendContract",
    "Capability",
    "ContractFailure",
    "ContractHooks",
    "HookMissing",
    "Login",
    "Mode",
    "Outcome",
    "PermissionBackendContract",
    "explain_capabilities",
    "infer_capabilities",
]

_LAZY = {
    "ASYNC": ".modes",
    "BAD_VALUES": ".bad_input",
    "SYNC": ".modes",
    "AuthBackendContract": ".contracts",
    "Capability": ".capabilities",
    "ContractFailure": ".reporting",
    "ContractHooks": ".hooks",
    "HookMissing": ".hooks",
    "Login": ".hooks",
    "Mode": ".modes",
    "Outcome": ".modes",
    "PermissionBackendContract": ".contracts",
    "explain_capabilities": ".capabilities",
    "infer_capabilities": ".capabilities",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
