"""No password in Django's error report when something fails under a login, in either mode.

The report mailed to ``ADMINS`` with ``DEBUG = False`` shows every frame's
local variables, masked only where ``@sensitive_variables`` says so; a mask
applies to the frames below it until a narrower one (Django's, a user
model's) replaces it. Logins go through Django's ``authenticate()`` and
``aauthenticate()``, as in a request; the password is a module global here,
never a local of the test, so only the code under test could put it in a frame.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import override_settings
from django.views.debug import ExceptionReporter

from auth_backend_sdk.testing import ASYNC, Mode
from tests.testapp.models import AsyncLockoutUser, EmailUser

PASSWORD = "Pl41ntext-Upgr4de-S3cret"
# The preferred hasher cannot encode (Argon2 listed first without argon2-cffi);
# the stored hashes are MD5, which verifies and then asks for an upgrade.
BROKEN_PREFERRED_HASHER = [
    "tests.hashers.UnavailableHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
pytestmark = pytest.mark.usefixtures("reference_backend")


@pytest.fixture
def reference_backend(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["reference_backends.ModelBackend"]
    settings.DEBUG = False
    settings.PASSWORD_HASHERS = BROKEN_PREFERRED_HASHER


def log_in(mode: Mode, **identity: str) -> Callable[[], Any]:
    """A login through Django's (a)authenticate(), with ``identity`` and the password."""
    if mode is ASYNC:

        async def log_in_async() -> Any:
            return await aauthenticate(None, **identity, password=PASSWORD)

        return async_to_sync(log_in_async)
    return lambda: authenticate(None, **identity, password=PASSWORD)


def error_report(call: Callable[[], Any]) -> str:
    """Django's e-mailed error report for ``call()`` failing: every frame, every variable."""
    try:
        call()
    except Exception:
        exc_type, exc, tb = sys.exc_info()
    else:
        pytest.fail("the call was expected to fail")
    report = ExceptionReporter(None, exc_type, exc, tb, is_email=True)
    frames = report.get_traceback_frames()
    assert len(frames) > 3, "the report shows the frames that failed"
    variables = repr([frame["vars"] for frame in frames])
    return "\n".join([variables, report.get_traceback_text(), report.get_traceback_html()])


def test_no_frame_shows_the_password_when_a_hash_upgrade_fails(
    backend_mode: Mode, db: None
) -> None:
    User.objects.create(username="olga", password=make_password(PASSWORD, hasher="md5"))
    report = error_report(log_in(backend_mode, username="olga"))
    assert "abs_hasher_library_that_is_not_installed" in report, "the report shows the cause"
    assert "set_password" in report
    assert "encode" in report
    assert PASSWORD not in report


def test_no_frame_shows_the_password_of_an_unknown_user(backend_mode: Mode, db: None) -> None:
    report = error_report(log_in(backend_mode, username="nobody"))
    assert "set_password" in report
    assert PASSWORD not in report


@override_settings(AUTH_USER_MODEL="testapp.EmailUser")
def test_no_frame_shows_the_password_when_the_user_models_own_check_fails(
    backend_mode: Mode, db: None
) -> None:
    user = EmailUser(email="erin@example.com")
    user.password = make_password(PASSWORD + EmailUser.PEPPER, hasher="md5")
    user.save()
    report = error_report(log_in(backend_mode, email="erin@example.com"))
    assert "check_password" in report
    assert PASSWORD not in report


@override_settings(AUTH_USER_MODEL="testapp.AsyncLockoutUser")
def test_no_frame_shows_the_password_when_the_user_models_async_check_fails(
    backend_mode: Mode, db: None
) -> None:
    AsyncLockoutUser.objects.create(username="lena", password=make_password(PASSWORD, hasher="md5"))
    report = error_report(log_in(backend_mode, username="lena"))
    assert "acheck_password" in report
    assert PASSWORD not in report
