"""Django's permission contract, in each mode.

* permission sets are ``set``\\s of ``"app_label.codename"`` strings;
* inactive and anonymous users get no permissions, and ``has_perm`` is False;
* ``obj``: a backend without object permissions answers "nothing" for any
  object (as Django's ``ModelBackend`` does); one with object permissions
  grants on that object only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from ...engine import lookup
from ..base import ContractBase, check
from ..capabilities import GLOBAL_PERMISSIONS, Capability
from ..modes import Mode
from ..reporting import fail, render_outcome

__all__ = ["PermissionChecks", "PermissionHelpers"]

SET_METHODS = ("get_user_permissions", "get_group_permissions", "get_all_permissions")
ANY_PERMISSIONS = GLOBAL_PERMISSIONS | {Capability.OBJECT_PERMISSIONS}


class PermissionHelpers(ContractBase):
    """What checks of permission methods share (no checks of its own)."""

    def defines(self, sync_name: str) -> bool:
        """Whether the backend has either side of this method."""
        return any(lookup(self.backend_class, n) for n in (sync_name, f"a{sync_name}"))

    def async_permission_calls(
        self, backend: Any, obj: Any
    ) -> dict[str, tuple[Any, tuple[Any, ...]]]:
        """Each async permission method the backend has, with its arguments after the user."""
        perm = self.permission_names()[0]
        arguments: dict[str, tuple[Any, ...]] = {
            **{name: (obj,) for name in SET_METHODS},
            "has_perm": (perm, obj),
            "has_module_perms": (perm.partition(".")[0],),
        }
        calls = {}
        for name, args in arguments.items():
            method = getattr(backend, f"a{name}", None)
            if self.defines(name) and callable(method):
                calls[f"a{name}"] = (method, args)
        return calls

    def expect_no_permissions(self, mode: Mode, user: Any, why: str, obj: Any = None) -> None:
        backend = self.get_backend()
        perms = self.permission_names()
        for name in SET_METHODS:
            if self.defines(name):
                outcome = mode.outcome(backend, name, user, obj)
                self.expect(outcome, set(), why, {"user_obj": user, "obj": obj})
        if self.defines("has_perm"):
            for perm in perms:
                outcome = mode.outcome(backend, "has_perm", user, perm, obj)
                self.expect(outcome, False, why, {"user_obj": user, "perm": perm, "obj": obj})
        if self.defines("has_module_perms") and obj is None:
            for app_label in sorted({perm.partition(".")[0] for perm in perms}):
                outcome = mode.outcome(backend, "has_module_perms", user, app_label)
                self.expect(outcome, False, why, {"user_obj": user, "app_label": app_label})

    def grant_everything(self, user: Any) -> Any:
        """Grant every declared kind of permission; the object granted on, if any."""
        declared = self.declared_capabilities()
        for perm in self.permission_names():
            if declared & GLOBAL_PERMISSIONS:
                self.grant_permission(user, perm)
                self.grant_group_permission(user, perm)
        if Capability.OBJECT_PERMISSIONS not in declared:
            return None
        obj = self.permission_object()
        for perm in self.permission_names():
            self.grant_object_permission(user, perm, obj)
        return obj


class PermissionChecks(PermissionHelpers):
    @check(any_of=GLOBAL_PERMISSIONS)
    def permission_sets_hold_app_label_codename_strings(self, mode: Mode) -> None:
        """get_*_permissions() return sets of "app_label.codename" holding what was granted."""
        direct, via_group = self.permission_names()[:2]
        user = self.create_user()
        self.grant_permission(user, direct)
        self.grant_group_permission(user, via_group)
        user = self.reload(user)
        expected = {
            "get_user_permissions": ({direct}, Capability.USER_PERMISSIONS),
            "get_group_permissions": ({via_group}, Capability.GROUP_PERMISSIONS),
            "get_all_permissions": ({direct, via_group}, Capability.ALL_PERMISSIONS),
        }
        declared = self.declared_capabilities()
        backend = self.get_backend()
        for name, (granted, capability) in expected.items():
            if capability not in declared:
                continue
            outcome = mode.outcome(backend, name, self.reload(user))
            value = outcome.value
            well_formed = (
                outcome.raised is None
                and not outcome.missing
                and isinstance(value, set | frozenset)
                and all(isinstance(p, str) and "." in p for p in value)
            )
            if not well_formed or not granted <= set(value):  # type: ignore[call-overload]
                raise fail(
                    f"{outcome.method} ({mode.value}) must return a set of "
                    '"app_label.codename" strings including the grants',
                    f"granted: {sorted(granted)}",
                    f"got:     {render_outcome(outcome)}",
                )

    @check(requires={Capability.ALL_PERMISSIONS})
    def has_perm_follows_grants(self, mode: Mode) -> None:
        """has_perm() and has_module_perms() are True for grants and False otherwise."""
        granted, *others = self.permission_names()
        user = self.create_user()
        self.grant_permission(user, granted)
        backend = self.get_backend()
        cases: list[tuple[str, tuple[Any, ...], bool]] = [("has_perm", (granted,), True)]
        cases += [("has_perm", (p,), False) for p in others]
        granted_app = granted.partition(".")[0]
        cases += [("has_module_perms", (granted_app,), True)]
        cases += [("has_module_perms", ("contract_no_such_app",), False)]
        for name, args, expected in cases:
            outcome = mode.outcome(backend, name, self.reload(user), *args)
            self.expect(outcome, expected, f"granted only {granted}", {"args": args})

    @check(any_of=ANY_PERMISSIONS)
    def inactive_users_have_no_permissions(self, mode: Mode) -> None:
        """An inactive user gets no permissions, whatever was granted."""
        user = self.create_user()
        obj = self.grant_everything(user)
        user = self.deactivate(user)
        self.expect_no_permissions(mode, user, "inactive user")
        if obj is not None:
            self.expect_no_permissions(mode, self.reload(user), "inactive user", obj)

    @check(any_of=ANY_PERMISSIONS)
    def anonymous_users_have_no_permissions(self, mode: Mode) -> None:
        """AnonymousUser gets no permissions and has_perm() is False."""
        self.expect_no_permissions(mode, AnonymousUser(), "anonymous user")
        if Capability.OBJECT_PERMISSIONS in self.declared_capabilities():
            obj = self.permission_object()
            self.expect_no_permissions(mode, AnonymousUser(), "anonymous user", obj)

    @check(any_of=GLOBAL_PERMISSIONS, unless={Capability.OBJECT_PERMISSIONS})
    def global_grants_do_not_apply_to_objects(self, mode: Mode) -> None:
        """Without object permissions, any obj gets no permissions (as in ModelBackend)."""
        user = self.create_user()
        self.grant_everything(user)
        self.expect_no_permissions(mode, self.reload(user), "obj given", self.permission_object())

    @check(requires={Capability.OBJECT_PERMISSIONS})
    def object_grants_apply_to_that_object_only(self, mode: Mode) -> None:
        """A grant on one object is not a grant on another object, nor a global one."""
        perm = self.permission_names()[0]
        user = self.create_user()
        granted_on, other = self.permission_object(), self.permission_object()
        self.grant_object_permission(user, perm, granted_on)
        backend = self.get_backend()
        for obj, expected in ((granted_on, True), (other, False), (None, False)):
            outcome = mode.outcome(backend, "has_perm", self.reload(user), perm, obj)
            inputs = {"perm": perm, "obj": obj}
            self.expect(outcome, expected, f"granted {perm} on {granted_on!r} only", inputs)
