"""Fixtures shared by the whole suite.

``mode`` runs one test body in both modes: ``mode.call(obj, "authenticate",
...)`` calls ``obj.authenticate(...)`` in sync mode and
``async_to_sync(obj.aauthenticate)(...)`` in async mode. ``async_to_sync``
runs the coroutine in a real event loop on another thread and sends
thread-sensitive work back to the test's thread, which is how Django's own
test runner runs async tests: database work stays inside the test's
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth.models import User
from django.db import connections


@dataclass(frozen=True)
class Mode:
    name: str

    @property
    def is_async(self) -> bool:
        return self.name == "async"

    def method_name(self, sync_name: str) -> str:
        return f"a{sync_name}" if self.is_async else sync_name

    def call(self, obj: object, sync_name: str, *args: Any, **kwargs: Any) -> Any:
        method: Callable[..., Any] = getattr(obj, self.method_name(sync_name))
        if self.is_async:
            return async_to_sync(method)(*args, **kwargs)
        return method(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


SYNC, ASYNC = Mode("sync"), Mode("async")


@pytest.fixture(params=[SYNC, ASYNC], ids=str)
def mode(request: pytest.FixtureRequest) -> Mode:
    param: Mode = request.param
    return param


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
