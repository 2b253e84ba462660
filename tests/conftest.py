"""Fixtures shared by the whole suite.

Tests that run one body in both modes use the shipped ``backend_mode``
fixture: ``backend_mode.call(obj, "authenticate", ...)`` calls
``obj.authenticate(...)`` in sync mode and ``async_to_sync(obj.aauthenticate)(...)``
in async mode, which runs the coroutine in a real event loop on another
thread and sends thread-sensitive work back to the test's thread, as
Django's own test runner runs async tests: database work stays inside the
test's transaction.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.db import connections


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user("alice", "alice@example.com", "alice-password")


@pytest.fixture
def bob(db: None) -> User:
    return User.objects.create_user("bob", "bob@example.com", "bob-password")


@pytest.fixture
async def thread_connections_closed() -> Any:
    """Close the connection async ORM calls opened in asgiref's shared sync thread.

    Outside a request (no ThreadSensitiveContext), thread-sensitive calls run
    in one process-wide thread; its connection would outlive the test and keep
    PostgreSQL from dropping the test database.
    """
    yield
    await sync_to_async(connections.close_all)()
