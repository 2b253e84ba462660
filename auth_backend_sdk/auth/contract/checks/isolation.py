"""Isolation: what one user is granted never shows up for another.

Permission caches must live on the user object, never on the backend, its
class or a module: a backend instance serves every request of a process.
"""

from __future__ import annotations

from typing import Any

from ....testing.harness import check
from ....testing.modes import ASYNC, SYNC, Mode
from ..capabilities import GLOBAL_PERMISSIONS, Capability
from .permissions import ANY_PERMISSIONS, SET_METHODS, PermissionHelpers

__all__ = ["IsolationChecks"]


class IsolationChecks(PermissionHelpers):
    @check(any_of=ANY_PERMISSIONS)
    def grants_stay_with_their_user(self, mode: Mode) -> None:
        """After a granted user's permissions are read (and cached), another user has none."""
        granted, other = self.create_user(), self.create_user()
        obj = self.grant_everything(granted)
        backend = self.get_backend()
        # Warm every cache a backend might keep, in both modes, on one backend
        # instance, then ask the same instance about the other user.
        for warm_mode in (SYNC, ASYNC):
            self.read_everything(warm_mode, backend, self.reload(granted), obj)
        for instance in (backend, self.get_backend()):
            self.expect_isolated(mode, instance, self.reload(other), obj)

    def read_everything(self, mode: Mode, backend: Any, user: Any, obj: Any) -> None:
        targets = [None] if obj is None else [None, obj]
        for target in targets:
            for name in SET_METHODS:
                if self.defines(name):
                    mode.outcome(backend, name, user, target)
            for perm in self.permission_names():
                mode.outcome(backend, "has_perm", user, perm, target)

    def expect_isolated(self, mode: Mode, backend: Any, user: Any, obj: Any) -> None:
        why = "another user was granted these, not this one"
        perms = self.permission_names()
        if self.declared_capabilities() & GLOBAL_PERMISSIONS:
            for name in SET_METHODS:
                if self.defines(name):
                    outcome = mode.outcome(backend, name, user)
                    self.expect(outcome, set(), why, {"user_obj": user})
        targets = [obj] if Capability.OBJECT_PERMISSIONS in self.declared_capabilities() else []
        if self.declared_capabilities() & GLOBAL_PERMISSIONS:
            targets.append(None)
        for target in targets:
            for perm in perms:
                outcome = mode.outcome(backend, "has_perm", user, perm, target)
                self.expect(outcome, False, why, {"user_obj": user, "perm": perm, "obj": target})
