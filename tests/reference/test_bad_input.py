"""Malformed credentials: the documented result (None), never an exception, never a leak.

On PostgreSQL, Django's own ModelBackend raises ValueError for a username
containing NUL; these backends return None on every database.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import pytest
from django.contrib.auth.models import User

from auth_backend_sdk.auth.contract.bad_values import BAD_VALUES, MARK
from auth_backend_sdk.testing import Mode
from reference_backends import ModelBackend, RemoteUserBackend


@pytest.fixture
def leak_watch(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(w.message) for w in caught]
    assert not any(MARK in text for text in texts), "a credential reached a log or warning"


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("label", list(BAD_VALUES))
def test_model_backend_returns_none(
    backend_mode: Mode, field: str, label: str, alice: User, leak_watch: None
) -> None:
    credentials = {"username": "alice", "password": "alice-password", field: BAD_VALUES[label]}
    try:
        result = backend_mode.call(ModelBackend(), "authenticate", None, **credentials)
    except Exception as exc:  # pragma: no cover - the assertion below explains
        pytest.fail(f"{type(exc).__name__} raised for a bad {field} ({label})")
    assert result is None


@pytest.mark.parametrize("label", list(BAD_VALUES))
def test_remote_user_backend_returns_none(
    backend_mode: Mode, label: str, db: None, leak_watch: None
) -> None:
    users_before = User.objects.count()
    try:
        result = backend_mode.call(RemoteUserBackend(), "authenticate", None, BAD_VALUES[label])
    except Exception as exc:  # pragma: no cover - the assertion below explains
        pytest.fail(f"{type(exc).__name__} raised for a bad remote_user ({label})")
    if label in {"whitespace", "look-alike"}:
        # Text a database can store: Django creates such a user, and so do we.
        assert result is not None
        assert result.username == BAD_VALUES[label]
    else:
        assert result is None
        assert User.objects.count() == users_before
