"""The two contracts a backend author mixes into a test class.

Under Django's test runner (or pytest, which runs the same class)::

    from django.test import TestCase
    from auth_backend_sdk.testing import AuthBackendContract, Capability

    class TestMyBackend(AuthBackendContract, TestCase):
        backend = "myapp.backends.MyBackend"
        capabilities = {Capability.PASSWORD_CREDENTIALS, Capability.GET_USER}

Under pytest alone, leave out ``TestCase``: the plugin gives the class
database access.
"""

from __future__ import annotations

from .checks.authentication import AuthenticationChecks
from .checks.bad_input import BadInputChecks
from .checks.event_loop import LoginEventLoopChecks, PermissionEventLoopChecks
from .checks.isolation import IsolationChecks
from .checks.parity import AuthenticationParityChecks, PermissionParityChecks
from .checks.password_hashing import PasswordHashingChecks
from .checks.permissions import PermissionChecks
from .checks.structure import StructureChecks
from .checks.subclass import SubclassAuthenticationChecks, SubclassPermissionChecks
from .checks.thread_hops import AuthenticationHopChecks, PermissionHopChecks

__all__ = ["AuthBackendContract", "PermissionBackendContract"]


class AuthBackendContract(
    StructureChecks,
    AuthenticationChecks,
    PasswordHashingChecks,
    SubclassAuthenticationChecks,
    BadInputChecks,
    LoginEventLoopChecks,
    AuthenticationHopChecks,
    AuthenticationParityChecks,
):
    """Checks of ``authenticate``/``aauthenticate`` and ``get_user``/``aget_user``."""


class PermissionBackendContract(
    StructureChecks,
    PermissionChecks,
    IsolationChecks,
    SubclassPermissionChecks,
    PermissionEventLoopChecks,
    PermissionHopChecks,
    PermissionParityChecks,
):
    """Checks of the permission methods: sets, ``has_perm``, ``obj``, isolation, parity."""
