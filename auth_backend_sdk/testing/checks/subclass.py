"""Subclass parity: a subclass overriding only sync methods is followed by async callers.

This is hazard 1 of the guide. The suite subclasses the backend the way a
project would (an ``authenticate`` that refuses one user, a ``has_perm``
that denies one permission) and checks that the async side honours the
override.
"""

from __future__ import annotations

from typing import Any

from ..base import ContractBase, check
from ..capabilities import AUTHENTICATES, Capability
from ..modes import Mode
from .permissions import PermissionHelpers

__all__ = ["SubclassAuthenticationChecks", "SubclassPermissionChecks"]


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


class SubclassAuthenticationChecks(ContractBase):
    @check(any_of=AUTHENTICATES)
    def subclass_overriding_authenticate_is_followed(self, mode: Mode) -> None:
        """A subclass whose sync authenticate() refuses one user refuses them in async too."""
        refused, allowed = self.create_user(), self.create_user()
        subclass = refusing_subclass(self.backend_class, refused.pk)
        backend = subclass()
        for user, expected in ((refused, None), (allowed, allowed)):
            credentials = self.user_credentials(user)
            outcome = mode.outcome(backend, "authenticate", None, **credentials)
            why = f"{subclass.__qualname__}.authenticate() refuses user pk={refused.pk!r}"
            self.expect(outcome, expected, why, {"request": None, **credentials})


class SubclassPermissionChecks(PermissionHelpers):
    @check(any_of={Capability.ALL_PERMISSIONS, Capability.OBJECT_PERMISSIONS})
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
        backend = subclass()
        for perm, expected in ((denied, False), (allowed, True)):
            outcome = mode.outcome(backend, "has_perm", self.reload(user), perm, obj)
            why = f"{subclass.__qualname__}.has_perm() denies {denied}"
            self.expect(outcome, expected, why, {"perm": perm, "obj": obj})
