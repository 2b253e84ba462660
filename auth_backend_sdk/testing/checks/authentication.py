"""Django's authentication contract: ``authenticate`` and ``get_user``, in each mode.

* wrong or unknown credentials give ``None``; ``PermissionDenied`` is for
  deliberate refusals only, because it stops Django from trying the next
  backend;
* ``request`` may be ``None``;
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

from ..base import ContractBase, check
from ..capabilities import AUTHENTICATES, Capability
from ..modes import Mode
from ..reporting import fail, render_inputs, render_outcome

__all__ = ["AuthenticationChecks", "LoginHelpers"]

AsyncCall = tuple[Any, tuple[Any, ...], dict[str, Any]]


class LoginHelpers(ContractBase):
    """What checks of the async login methods share (no checks of its own)."""

    def async_login_calls(self, backend: Any, user: Any, *, unknown: bool) -> dict[str, AsyncCall]:
        """Labelled (method, args, kwargs) of aauthenticate and aget_user for ``user``.

        ``unknown``: also a login of nobody in the database (not for backends
        that create users).
        """
        if not callable(getattr(backend, "aauthenticate", None)):
            raise fail("aauthenticate is missing: Django's aauthenticate() crashes")
        cases = {
            "aauthenticate": self.user_credentials(user),
            "aauthenticate (wrong credentials)": self.wrong_credentials(user),
        }
        declared = self.declared_capabilities()
        if unknown and Capability.CREATES_USERS not in declared:
            cases["aauthenticate (unknown user)"] = self.unknown_credentials()
        calls: dict[str, AsyncCall] = {
            label: (backend.aauthenticate, (None,), credentials)
            for label, credentials in cases.items()
        }
        if Capability.GET_USER in declared:
            calls["aget_user"] = (backend.aget_user, (user.pk,), {})
        return calls


class AuthenticationChecks(LoginHelpers):
    def authenticate(
        self, mode: Mode, request: HttpRequest | None, credentials: dict[str, Any]
    ) -> Any:
        backend = self.get_backend()
        return mode.outcome(backend, "authenticate", request, **credentials)

    @check(any_of=AUTHENTICATES)
    def valid_credentials_authenticate(self, mode: Mode) -> None:
        """A user's credentials authenticate that user, with and without a request."""
        user = self.create_user()
        credentials = self.user_credentials(user)
        for request in (None, HttpRequest()):
            outcome = self.authenticate(mode, request, credentials)
            self.expect(outcome, user, "valid credentials", {"request": request, **credentials})

    @check(any_of=AUTHENTICATES)
    def wrong_credentials_give_none(self, mode: Mode) -> None:
        """Wrong credentials give None, not PermissionDenied."""
        user = self.create_user()
        credentials = self.wrong_credentials(user)
        outcome = self.authenticate(mode, None, credentials)
        if isinstance(outcome.raised, PermissionDenied):
            raise fail(
                f"{outcome.method} ({mode.value}) raised PermissionDenied for wrong credentials",
                f"inputs: {render_inputs({'request': None, **credentials}, self.secrets())}",
                "PermissionDenied stops Django from trying the next backend: return None.",
            )
        self.expect(outcome, None, "wrong credentials", {"request": None, **credentials})

    @check(any_of=AUTHENTICATES, unless={Capability.CREATES_USERS})
    def unknown_credentials_give_none(self, mode: Mode) -> None:
        """Credentials of nobody in the database give None."""
        credentials = self.unknown_credentials()
        outcome = self.authenticate(mode, None, credentials)
        self.expect(outcome, None, "unknown credentials", {"request": None, **credentials})

    @check(requires={Capability.CREATES_USERS})
    def unknown_credentials_create_the_user(self, mode: Mode) -> None:
        """Credentials of nobody in the database create that user, once."""
        credentials = self.unknown_credentials()
        first = self.authenticate(mode, None, credentials)
        again = self.authenticate(mode, None, credentials)
        inputs = {"request": None, **credentials}
        if first.raised is not None or first.missing or first.value is None:
            raise fail(
                f"{first.method} ({mode.value}) did not create a user for unknown credentials",
                f"inputs: {render_inputs(inputs, self.secrets())}",
                f"got:    {render_outcome(first, self.secrets())}",
            )
        self.expect(again, first.value, "the second login finds the created user", inputs)

    @check(requires={Capability.RAISES_PERMISSION_DENIED})
    def permission_denied_crosses_unchanged(self, mode: Mode) -> None:
        """Refused credentials raise PermissionDenied itself, in both modes."""
        user = self.create_user()
        credentials = self.denied_credentials(user)
        outcome = self.authenticate(mode, None, credentials)
        if not isinstance(outcome.raised, PermissionDenied):
            raise fail(
                f"{outcome.method} ({mode.value}): refused credentials must raise PermissionDenied",
                f"inputs: {render_inputs({'request': None, **credentials}, self.secrets())}",
                f"got:    {render_outcome(outcome, self.secrets())}",
            )

    @check(any_of=AUTHENTICATES)
    def django_dispatch_finds_the_backend(self, mode: Mode) -> None:
        """Django's authenticate()/aauthenticate() pick this backend and record its path."""
        from django.contrib import auth
        from django.test import override_settings

        path = self.backend_path()
        user = self.create_user()
        credentials = self.user_credentials(user)
        name = mode.method_name("authenticate")
        call = mode.run(auth.authenticate, auth.aauthenticate)
        with override_settings(AUTHENTICATION_BACKENDS=[path]):
            outcome = mode.capture(name, lambda: call(None, **credentials))
        self.expect(outcome, user, f"Django's {name}()", credentials)
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
        user_id = self.unknown_user_id()
        outcome = mode.outcome(self.get_backend(), "get_user", user_id)
        self.expect(outcome, None, "an unknown id", {"user_id": user_id})

    def unknown_user_id(self) -> Any:
        """A primary key no user has: past the largest integer one, or a new UUID."""
        from django.contrib.auth import get_user_model
        from django.db.models import Max

        model = get_user_model()
        pk = model._meta.pk
        assert pk is not None
        if pk.get_internal_type() == "UUIDField":
            return uuid.uuid4()
        largest = model._default_manager.aggregate(largest=Max("pk"))["largest"] or 0
        return largest + 10_000
