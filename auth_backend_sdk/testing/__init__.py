"""The contract-test suites: run them against your backend, in both modes.

Mix :class:`AuthBackendContract` and/or :class:`PermissionBackendContract`
into a test class, name the backend and declare its :class:`Capability`\\s;
override hooks (see :class:`ContractHooks`) where the defaults don't fit. For
a session store, :class:`SessionStoreContract` (its
:class:`SessionCapability`\\s, its :class:`SessionContractHooks`).
The same class runs under Django's test runner (with ``TestCase``) and under
pytest (with or without it).

This package is the generic contract harness (:mod:`.harness`: checks
declared once, run per mode; :mod:`.modes`, :mod:`._runner`, the pytest
plugin); each family's suites live with the family (the authentication
suites in :mod:`auth_backend_sdk.auth.contract`, the session-store suite in
:mod:`auth_backend_sdk.sessions.contract`) and are public here.

Names are imported lazily: the pytest plugin lives in this package and is
loaded before Django is set up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ..auth.contract.bad_values import BAD_VALUES
    from ..auth.contract.capabilities import Capability, explain_capabilities, infer_capabilities
    from ..auth.contract.hooks import ContractHooks, Login
    from ..auth.contract.suites import AuthBackendContract, PermissionBackendContract
    from ..sessions.contract.capabilities import (
        SessionCapability,
        explain_session_capabilities,
        infer_session_capabilities,
    )
    from ..sessions.contract.hooks import SessionContractHooks
    from ..sessions.contract.suites import SessionStoreContract
    from ._reporting import ContractFailure
    from .harness import HookMissing
    from .modes import ASYNC, SYNC, Mode, Outcome

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
    "SessionCapability",
    "SessionContractHooks",
    "SessionStoreContract",
    "explain_capabilities",
    "explain_session_capabilities",
    "infer_capabilities",
    "infer_session_capabilities",
]

_LAZY = {
    "ASYNC": ".modes",
    "BAD_VALUES": "..auth.contract.bad_values",
    "SYNC": ".modes",
    "AuthBackendContract": "..auth.contract.suites",
    "Capability": "..auth.contract.capabilities",
    "ContractFailure": "._reporting",
    "ContractHooks": "..auth.contract.hooks",
    "HookMissing": ".harness",
    "Login": "..auth.contract.hooks",
    "Mode": ".modes",
    "Outcome": ".modes",
    "PermissionBackendContract": "..auth.contract.suites",
    "SessionCapability": "..sessions.contract.capabilities",
    "SessionContractHooks": "..sessions.contract.hooks",
    "SessionStoreContract": "..sessions.contract.suites",
    "explain_capabilities": "..auth.contract.capabilities",
    "explain_session_capabilities": "..sessions.contract.capabilities",
    "infer_capabilities": "..auth.contract.capabilities",
    "infer_session_capabilities": "..sessions.contract.capabilities",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
