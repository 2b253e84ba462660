"""The contract under pytest alone: a plain class, and a test of your own in both modes.

``tests/test_docs_examples.py`` imports both, so the test suite runs them.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from auth_backend_sdk.testing import Mode
from docs.examples.tutorial.after import LockoutBackend
from docs.examples.tutorial.contract import LockoutBackendContract
from tests.testapp.models import Lockout


class TestLockoutBackendUnderPytest(LockoutBackendContract):
    backend = LockoutBackend
    hop_budgets = {"aauthenticate": 1, "aget_user": 1, "ahas_perm": 1}
    max_loop_stall_ms = 100.0
    hypothesis_examples = 10


@pytest.mark.django_db
def test_a_locked_out_account_is_refused(backend_mode: Mode) -> None:
    User.objects.create_user("mallory", password="mallory-password")
    Lockout.objects.create(username="mallory")
    credentials = {"username": "mallory", "password": "mallory-password"}
    with pytest.raises(PermissionDenied):
        backend_mode.call(LockoutBackend(), "authenticate", None, **credentials)
