"""Subclass parity: a subclass overriding only sync methods is followed by async callers.

This is hazard 1 of the guide. The suite subclasses the backend the way a
project would (an ``authenticate`` that refuses one user, a ``has_perm``
that denies one permission or raises ``PermissionDenied``, a
``get_user_permissions`` that adds one, a ``user_can_authenticate`` that
locks one user out, a ``RemoteUserBackend``'s ``clean_username`` and
``configure_user``) and checks that the async side honours the override,
and lets its ``PermissionDenied`` through unchanged.
"""

from __future__ import annotations

import secrets
import unittest
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ....testing._reporting import fail, render_inputs, render_outcome
from ....testing.harness import check
from ....testing.modes import ASYNC, SYNC, Mode, Outcome
from ..base import AuthContractBase
from ..capabilities import AUTHENTICATES, Capability, CredentialStyle, credential_style
from .permissions import PermissionHelpers

__all__ = ["SubclassAuthenticationChecks", "SubclassPermissionChecks"]

ADDED_PERMISSION = "contract_subclass.added"
"""What the suite's subclass adds to get_user_permissions(): in no table."""
REALM = "@CONTRACT.EXAMPLE"
"""What the suite's RemoteUserBackend subclass strips in clean_username()."""


def refusing_subclass(parent: type, refused_pk: object) -> type:
    class RefusingSubclass(parent):  # type: ignore[misc]
        def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            user = super().authenticate(request, *args, **kwargs)
            return None if user is not None and user.pk == refused_pk else user

    RefusingSubclass.__qualname__ = f"RefusingSubclass({parent.__qualname__})"
    return RefusingSubclass


def denying_subclass(parent: type, denied_perm: str) -> type:
    class DenyingSubclass(parent):  # type: ignore[misc]
        def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
            if perm == denied_perm:
                return False
            return bool(super().has_perm(user_obj, perm, obj))

    DenyingSubclass.__qualname__ = f"DenyingSubclass({parent.__qualname__})"
    return DenyingSubclass


def raising_subclass(parent: type, refused_perm: str) -> type:
    class RaisingSubclass(parent):  # type: ignore[misc]
        def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
            if perm == refused_perm:
                raise PermissionDenied(f"{perm} is refused outright")
            return bool(super().has_perm(user_obj, perm, obj))

    RaisingSubclass.__qualname__ = f"RaisingSubclass({parent.__qualname__})"
    return RaisingSubclass


def adding_subclass(parent: type) -> type:
    class AddingSubclass(parent):  # type: ignore[misc]
        def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
            granted = set(super().get_user_permissions(user_obj, obj))
            if user_obj.is_active and obj is None:
                granted.add(ADDED_PERMISSION)
            return granted

    AddingSubclass.__qualname__ = f"AddingSubclass({parent.__qualname__})"
    return AddingSubclass


def locking_out_subclass(parent: type, locked_pk: object) -> type:
    class LockingOutSubclass(parent):  # type: ignore[misc]
        def user_can_authenticate(self, user: Any) -> bool:
            if user is not None and user.pk == locked_pk:
                raise PermissionDenied("locked out")
            return bool(super().user_can_authenticate(user))

    LockingOutSubclass.__qualname__ = f"LockingOutSubclass({parent.__qualname__})"
    return LockingOutSubclass


def remote_hooks_subclass(parent: type, calls: list[tuple[Any, str, bool]]) -> type:
    class RemoteHooksSubclass(parent):  # type: ignore[misc]
        def clean_username(self, username: str) -> str:
            return str(super().clean_username(username.removesuffix(REALM)))

        def configure_user(self, request: Any, user: Any, created: bool = True) -> Any:
            calls.append((request, user.get_username(), created))
            return super().configure_user(request, user, created=created)

    RemoteHooksSubclass.__qualname__ = f"RemoteHooksSubclass({parent.__qualname__})"
    return RemoteHooksSubclass


class _SubclassHelpers(AuthContractBase):
    def as_subclass(self, subclass: type) -> Any:
        """The backend ``get_backend()`` makes, as an instance of ``subclass`` (of its class).

        Whatever the hook set up on the instance (arguments, settings) stays.
        """
        backend = self.get_backend()
        backend.__class__ = subclass
        return backend


class SubclassAuthenticationChecks(_SubclassHelpers):
    @check(any_of=AUTHENTICATES)
    def subclass_overriding_authenticate_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync authenticate() refuses one user refuses them in async too."""
        refused, allowed = self.create_user(), self.create_user()
        subclass = refusing_subclass(self.backend_class, refused.pk)
        backend = self.as_subclass(subclass)
        for user, expected in ((refused, None), (allowed, allowed)):
            login = self.valid_login(user)
            outcome = mode.outcome(backend, "authenticate", login.request, **login.credentials)
            why = f"{subclass.__qualname__}.authenticate() refuses user pk={refused.pk!r}"
            self.expect(outcome, expected, why, {"request": login.request, **login.credentials})

    @check(any_of=AUTHENTICATES, modes=())
    def user_can_authenticate_refusals_cross_unchanged(self) -> None:
        """A subclass's user_can_authenticate() raising PermissionDenied refuses in both modes."""
        if not callable(getattr(self.backend_class, "user_can_authenticate", None)):
            raise unittest.SkipTest("does not apply: the backend has no user_can_authenticate()")
        locked = self.create_user()
        subclass = locking_out_subclass(self.backend_class, locked.pk)
        login = self.valid_login(locked)

        def log_in(mode: Mode) -> Outcome:
            made = login if mode is SYNC else self.repeat_login(login)
            backend = self.as_subclass(subclass)
            return mode.outcome(backend, "authenticate", made.request, **made.credentials)

        calls: dict[str, Callable[[Mode], Outcome]] = {"authenticate": log_in}
        if Capability.GET_USER in self.declared_capabilities():
            calls["get_user"] = lambda mode: mode.outcome(
                self.as_subclass(subclass), "get_user", locked.pk
            )
        # Backends that check passwords on the user model ask the hook, as Django's do.
        must_raise = self.is_model_backend_compatible() and (
            credential_style(self.backend_class) is CredentialStyle.PASSWORD
        )
        for name, call in calls.items():
            sync, async_ = call(SYNC), call(ASYNC)
            inputs = (
                {"request": login.request, **login.credentials}
                if name == "authenticate"
                else {"user_id": locked.pk}
            )
            why = f"{subclass.__qualname__}.user_can_authenticate() raises PermissionDenied"
            if sync.key != async_.key:
                raise fail(
                    f"parity: {async_.method} diverged from {sync.method}: {why}",
                    f"inputs: {render_inputs(inputs, self.secrets())}",
                    f"sync:   {render_outcome(sync, self.secrets())}",
                    f"async:  {render_outcome(async_, self.secrets())}",
                )
            if must_raise and not isinstance(sync.raised, PermissionDenied):
                raise fail(
                    f"{name} (both modes) ignored the refusal: {why}",
                    f"got: {render_outcome(sync, self.secrets())}",
                    "Django's ModelBackend lets PermissionDenied of its hooks through: "
                    "it stops Django from trying other backends.",
                )

    @check(any_of=AUTHENTICATES)
    def remote_user_hooks_are_followed(self, mode: Mode) -> None:
        """A subclass's clean_username() and configure_user() shape each remote_user login."""
        backend_class = self.backend_class
        hooks = ("clean_username", "configure_user")
        if credential_style(backend_class) is not CredentialStyle.REMOTE_USER or not all(
            callable(getattr(backend_class, hook, None)) for hook in hooks
        ):
            raise unittest.SkipTest(
                "does not apply: not a RemoteUserBackend (remote_user, clean_username(), "
                "configure_user())"
            )
        calls: list[tuple[Any, str, bool]] = []
        backend = self.as_subclass(remote_hooks_subclass(backend_class, calls))
        names = {self.create_user().get_username(): False}
        if Capability.CREATES_USERS in self.declared_capabilities():
            names[f"contract-remote-{secrets.token_hex(4)}"] = True
        for name, created in names.items():
            calls.clear()
            request = HttpRequest()
            outcome = mode.outcome(backend, "authenticate", request, remote_user=name + REALM)
            got = _username_of(outcome)
            if got != name or calls != [(request, name, created)]:
                seen = [(r is request, n, c) for r, n, c in calls]
                raise fail(
                    f"{outcome.method} ({mode.value}) did not follow the subclass's hooks",
                    f"remote_user: {name + REALM!r}; clean_username() strips {REALM!r}",
                    f"got:   {render_outcome(outcome)}",
                    f"configure_user() calls (the request given?, username, created): {seen}",
                    f"expected one: (True, {name!r}, {created})",
                )


class SubclassPermissionChecks(_SubclassHelpers, PermissionHelpers):
    @check(
        any_of={
            Capability.ALL_PERMISSIONS,
            Capability.OBJECT_PERMISSIONS,
            Capability.PERMISSION_CHECKS,
        }
    )
    def subclass_overriding_has_perm_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync has_perm() denies one permission denies it in async too."""
        denied, allowed = self.permission_names()[:2]
        user = self.create_user()
        if Capability.ALL_PERMISSIONS in self.declared_capabilities():
            obj = None
            for perm in (denied, allowed):
                self.grant_permission(user, perm)
        else:
            obj = self.permission_object()
            for perm in (denied, allowed):
                self.grant_object_permission(user, perm, obj)
        subclass = denying_subclass(self.backend_class, denied)
        backend = self.as_subclass(subclass)
        for perm, expected in ((denied, False), (allowed, True)):
            outcome = mode.outcome(backend, "has_perm", self.reload(user), perm, obj)
            why = f"{subclass.__qualname__}.has_perm() denies {denied}"
            self.expect(outcome, expected, why, {"perm": perm, "obj": obj})

    @check(requires={Capability.USER_PERMISSIONS, Capability.ALL_PERMISSIONS})
    def subclass_overriding_get_user_permissions_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync get_user_permissions() adds a permission grants it in async too."""
        user = self.create_user()
        subclass = adding_subclass(self.backend_class)
        backend = self.as_subclass(subclass)
        why = f"{subclass.__qualname__}.get_user_permissions() adds {ADDED_PERMISSION}"
        outcome = mode.outcome(backend, "get_all_permissions", self.reload(user))
        if not (isinstance(outcome.value, set | frozenset) and ADDED_PERMISSION in outcome.value):
            raise fail(
                f"{outcome.method} ({mode.value}) bypassed the override: {why}",
                f"got: {render_outcome(outcome)}",
                "Django's get_all_permissions() goes through get_user_permissions().",
            )
        outcome = mode.outcome(backend, "has_perm", self.reload(user), ADDED_PERMISSION)
        self.expect(outcome, True, why, {"perm": ADDED_PERMISSION})

    @check(
        any_of={
            Capability.ALL_PERMISSIONS,
            Capability.OBJECT_PERMISSIONS,
            Capability.PERMISSION_CHECKS,
        }
    )
    def subclass_raising_permission_denied_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync has_perm() raises PermissionDenied raises it in async too."""
        refused = self.permission_names()[0]
        declared = self.declared_capabilities()
        obj = None if declared & {Capability.ALL_PERMISSIONS} else self.permission_object()
        subclass = raising_subclass(self.backend_class, refused)
        outcome = mode.outcome(
            self.as_subclass(subclass), "has_perm", self.create_user(), refused, obj
        )
        if not isinstance(outcome.raised, PermissionDenied):
            raise fail(
                f"{outcome.method} ({mode.value}): "
                f"{subclass.__qualname__}.has_perm() raises PermissionDenied for {refused}",
                f"got: {render_outcome(outcome)}",
                "PermissionDenied from has_perm() stops Django from asking other backends: "
                "it must cross unchanged.",
            )


def _username_of(outcome: Outcome) -> object:
    if outcome.raised is not None or outcome.missing or outcome.value is None:
        return None
    return outcome.value.get_username()  # type: ignore[attr-defined]
