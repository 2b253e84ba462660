"""Django's authentication contract: ``authenticate`` and ``get_user``, in each mode.

* wrong or unknown credentials give ``None``; ``PermissionDenied`` is for
  deliberate refusals only, because it stops Django from trying the next
  backend;
* ``request`` may be ``None``;
* a password backend also takes the username under the user model's
  ``USERNAME_FIELD`` (``email=...``), as ``ModelBackend`` does;
* ``get_user()`` of an unknown id is ``None``;
* Django's own ``authenticate()``/``aauthenticate()`` pick the backend by
  binding the credentials to its signature, and record its path on the user.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.module_loading import import_string

from ....testing._reporting import fail, render_inputs, render_outcome
from ....testing.harness import check
from ....testing.modes import ASYNC, SYNC, Mode, Outcome
from ..base import AuthContractBase
from ..capabilities import AUTHENTICATES, Capability, CredentialStyle, credential_style
from ..hooks import Login

__all__ = ["AuthenticationChecks", "LoginHelpers", "unknown_user_id"]

AsyncCall = tuple[Any, tuple[Any, ...], dict[str, Any]]


class LoginHelpers(AuthContractBase):
    """What checks of the async login methods share (no checks of its own)."""

    def async_login_calls(self, backend: Any, user: Any, *, unknown: bool) -> dict[str, AsyncCall]:
        """Labelled (method, args, kwargs) of aauthenticate for ``user``.

        ``unknown``: also a login of nobody in the database (not for backends
        that create users).
        """
        if not callable(getattr(backend, "aauthenticate", None)):
            raise fail("aauthenticate is missing: Django's aauthenticate() crashes")
        cases = {
            "aauthenticate": self.valid_login(user),
            "aauthenticate (wrong credentials)": self.wrong_login(user),
        }
        if unknown and Capability.CREATES_USERS not in self.declared_capabilities():
            cases["aauthenticate (unknown user)"] = self.unknown_login()
        return {
            label: (backend.aauthenticate, (login.request,), dict(login.credentials))
            for label, login in cases.items()
        }

    def async_get_user_calls(self, backend: Any, user: Any) -> dict[str, AsyncCall]:
        """Labelled (method, args, kwargs) of aget_user for ``user``."""
        if not callable(getattr(backend, "aget_user", None)):
            raise fail("aget_user is missing: Django's aget_user() crashes")
        return {"aget_user": (backend.aget_user, (user.pk,), {})}


class AuthenticationChecks(LoginHelpers):
    def authenticate(self, mode: Mode, request: HttpRequest | None, login: Login) -> Outcome:
        backend = self.get_backend()
        return mode.outcome(backend, "authenticate", request, **login.credentials)

    @check(any_of=AUTHENTICATES)
    def valid_credentials_authenticate(self, mode: Mode) -> None:
        """A user's credentials authenticate that user (with and without a request)."""
        user = self.create_user()
        login = self.valid_login(user)
        requests = [None, HttpRequest()] if login.request is None else [login.request]
        for request in requests:
            outcome = self.authenticate(mode, request, login)
            inputs = {"request": request, **login.credentials}
            self.expect(outcome, user, "valid credentials", inputs)
            login = self.repeat_login(login)  # a single-use login is made anew for each call
        by_field = _named_by_username_field(self.backend_class, login)
        if by_field is not None:
            outcome = self.authenticate(mode, by_field.request, by_field)
            inputs = {"request": by_field.request, **by_field.credentials}
            why = (
                "the username given under the user model's USERNAME_FIELD, as ModelBackend takes it"
            )
            self.expect(outcome, user, why, inputs)

    @check(any_of=AUTHENTICATES)
    def wrong_credentials_give_none(self, mode: Mode) -> None:
        """Wrong credentials give None, not PermissionDenied."""
        user = self.create_user()
        login = self.wrong_login(user)
        outcome = self.authenticate(mode, login.request, login)
        inputs = {"request": login.request, **login.credentials}
        if isinstance(outcome.raised, PermissionDenied):
            raise fail(
                f"{outcome.method} ({mode.value}) raised PermissionDenied for wrong credentials",
                f"inputs: {render_inputs(inputs, self.secrets())}",
                "PermissionDenied stops Django from trying the next backend: return None.",
            )
        self.expect(outcome, None, "wrong credentials", inputs)

    @check(any_of=AUTHENTICATES, unless={Capability.CREATES_USERS})
    def unknown_credentials_give_none(self, mode: Mode) -> None:
        """Credentials of nobody in the database give None."""
        login = self.unknown_login()
        outcome = self.authenticate(mode, login.request, login)
        inputs = {"request": login.request, **login.credentials}
        self.expect(outcome, None, "unknown credentials", inputs)

    @check(requires={Capability.CREATES_USERS})
    def unknown_credentials_create_the_user(self, mode: Mode) -> None:
        """Credentials of nobody in the database create that user; the next login finds them."""
        login = self.unknown_login()
        first = self.authenticate(mode, login.request, login)
        inputs = {"request": login.request, **login.credentials}
        if first.raised is not None or first.missing or first.value is None:
            raise fail(
                f"{first.method} ({mode.value}) did not create a user for unknown credentials",
                f"inputs: {render_inputs(inputs, self.secrets())}",
                f"got:    {render_outcome(first, self.secrets())}",
            )
        again = self.valid_login(first.value)
        outcome = self.authenticate(mode, again.request, again)
        self.expect(outcome, first.value, "the next login finds the created user", inputs)

    @check(requires={Capability.RAISES_PERMISSION_DENIED})
    def permission_denied_crosses_unchanged(self, mode: Mode) -> None:
        """Refused credentials raise PermissionDenied itself, in both modes."""
        user = self.create_user()
        login = self.denied_login(user)
        outcome = self.authenticate(mode, login.request, login)
        if not isinstance(outcome.raised, PermissionDenied):
            inputs = {"request": login.request, **login.credentials}
            raise fail(
                f"{outcome.method} ({mode.value}): refused credentials must raise PermissionDenied",
                f"inputs: {render_inputs(inputs, self.secrets())}",
                f"got:    {render_outcome(outcome, self.secrets())}",
            )

    @check(any_of=AUTHENTICATES, unless={Capability.PASSWORD_CREDENTIALS}, modes=())
    def password_logins_agree(self) -> None:
        """A username and password get the same answer in both modes, through Django's dispatch.

        Needs no hook: a SAML- or token-only backend whose inherited async
        side still takes passwords lets them in under async only. A backend
        whose ``**kwargs`` take passwords on purpose answers alike in both.
        """
        from django.contrib import auth
        from django.test import override_settings

        path = self.backend_path()
        self.get_backend()  # Django makes it the same way: not run if it cannot be made
        user = self.create_user()
        credentials = {"username": user.get_username(), "password": self.password}
        with override_settings(AUTHENTICATION_BACKENDS=[path]):
            sync = SYNC.capture("authenticate", lambda: auth.authenticate(None, **credentials))
            async_ = ASYNC.capture(
                "aauthenticate",
                lambda: ASYNC.run(auth.authenticate, auth.aauthenticate)(None, **credentials),
            )
        if sync.key != async_.key:
            raise fail(
                "Django's aauthenticate() answers a username and password differently",
                f"inputs: {render_inputs(credentials, self.secrets())}",
                f"sync:   {render_outcome(sync, self.secrets())}",
                f"async:  {render_outcome(async_, self.secrets())}",
            )

    @check(any_of=AUTHENTICATES)
    def django_dispatch_finds_the_backend(self, mode: Mode) -> None:
        """Django's authenticate()/aauthenticate() pick this backend and record its path."""
        from django.contrib import auth
        from django.test import override_settings

        path = self.backend_path()
        user = self.create_user()
        login = self.valid_login(user)
        name = mode.method_name("authenticate", self.backend_class)
        call = mode.run(auth.authenticate, auth.aauthenticate)
        with override_settings(AUTHENTICATION_BACKENDS=[path]):
            outcome = mode.capture(name, lambda: call(login.request, **login.credentials))
        self.expect(outcome, user, f"Django's {name}()", dict(login.credentials))
        recorded = getattr(outcome.value, "backend", None)
        if recorded != path:
            raise fail(
                f"Django's {name}() ({mode.value}) recorded backend {recorded!r}, not {path!r}"
            )

    def backend_path(self) -> str:
        """The dotted path Django would import; skip when the backend has none."""
        import unittest

        target = type(self).backend
        path = target if isinstance(target, str) else f"{target.__module__}.{target.__qualname__}"
        try:
            importable = import_string(path) is self.backend_class
        except ImportError:
            importable = False
        if not importable:
            raise unittest.SkipTest(f"{path} cannot be imported by its dotted path")
        return path

    @check(requires={Capability.GET_USER})
    def get_user_returns_the_user(self, mode: Mode) -> None:
        """get_user() of a user's primary key returns that user."""
        user = self.create_user()
        outcome = mode.outcome(self.get_backend(), "get_user", user.pk)
        self.expect(outcome, user, "a user's own id", {"user_id": user.pk})

    @check(requires={Capability.GET_USER})
    def get_user_of_unknown_id_is_none(self, mode: Mode) -> None:
        """get_user() of an id nobody has returns None."""
        user_id = unknown_user_id()
        outcome = mode.outcome(self.get_backend(), "get_user", user_id)
        self.expect(outcome, None, "an unknown id", {"user_id": user_id})


def unknown_user_id() -> Any:
    """A primary key no user has: past the largest integer one, or a new UUID."""
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    model = get_user_model()
    pk = model._meta.pk
    assert pk is not None
    if pk.get_internal_type() == "UUIDField":
        return uuid.uuid4()
    largest = model._base_manager.aggregate(largest=Max("pk"))["largest"] or 0
    return largest + 10_000


def _named_by_username_field(backend_class: type, login: Login) -> Login | None:
    """``login`` with ``username`` renamed to the user model's ``USERNAME_FIELD``, for a
    password backend (``ModelBackend`` reads it from there); None where the names are one."""
    from django.contrib.auth import get_user_model

    field = get_user_model().USERNAME_FIELD
    credentials = dict(login.credentials)
    if field == "username" or "username" not in credentials:
        return None
    if credential_style(backend_class) is not CredentialStyle.PASSWORD:
        return None
    credentials[field] = credentials.pop("username")
    return Login(credentials, login.request)
