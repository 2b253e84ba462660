"""The session-store contract suite, and what the ``check`` command runs by default.

:class:`~.suites.SessionStoreContract` is public as
``auth_backend_sdk.testing.SessionStoreContract``; :func:`default_contracts` is
what the session family declares for the ``check`` command to run on a store no
contract module names.
"""

from __future__ import annotations

from .base import SessionContractBase
from .suites import SessionStoreContract

__all__ = ["SessionContractBase", "SessionStoreContract", "default_contracts"]


def default_contracts(store_class: type) -> list[type[SessionContractBase]]:
    """The contracts for a session store: the one session-store contract, with default hooks."""
    return [SessionStoreContract]
