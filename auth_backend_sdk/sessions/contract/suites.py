"""The contract a session store's author mixes into a test class.

Under Django's test runner (or pytest, which runs the same class)::

    from django.test import TestCase
    from auth_backend_sdk.testing import SessionStoreContract

    class TestMySessionStore(SessionStoreContract, TestCase):
        session_store = "myproject.sessions.SessionStore"

Under pytest alone, leave out ``TestCase``: the plugin gives the class
database access.
"""

from __future__ import annotations

from .checks.bad_input import BadInputChecks
from .checks.concurrency import ConcurrencyChecks
from .checks.corrupted_data import CorruptedDataChecks
from .checks.event_loop import EventLoopChecks
from .checks.existing_sessions import ExistingSessionChecks
from .checks.expiry import ExpiryChecks
from .checks.extra_data import ExtraDataChecks
from .checks.isolation import IsolationChecks
from .checks.missing_sessions import MissingSessionChecks
from .checks.parity import ParityChecks
from .checks.semantics import SemanticsChecks
from .checks.structure import StructureChecks
from .checks.subclass import SubclassChecks
from .checks.thread_hops import ThreadHopChecks

__all__ = ["SessionStoreContract"]


class SessionStoreContract(
    StructureChecks,
    SemanticsChecks,
    MissingSessionChecks,
    ExpiryChecks,
    CorruptedDataChecks,
    SubclassChecks,
    ExistingSessionChecks,
    IsolationChecks,
    ConcurrencyChecks,
    BadInputChecks,
    EventLoopChecks,
    ThreadHopChecks,
    ParityChecks,
    ExtraDataChecks,
):
    """Checks of a session store: Django's semantics and parity between the modes."""
