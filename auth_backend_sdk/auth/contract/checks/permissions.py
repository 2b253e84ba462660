"""Django's permission contract, in each mode.

* permission sets are ``set``\\s of ``"app_label.codename"`` strings;
* inactive users (superusers too) and anonymous users get no permissions,
  and ``has_perm`` is False;
* ``has_module_perms`` is about one app label, not a prefix of one;
* ``obj``: a backend without object permissions answers "nothing" for any
  object (as Django's ``ModelBackend`` does); one with object permissions
  grants on that object only;
* ``with_perm`` lists the users ``has_perm`` grants.
"""

from __future__ import annotations

import unittest
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from ....engine._resolution import lookup
from ....testing._reporting import fail, render_outcome
from ....testing.harness import check
from ....testing.modes import Mode
from ...family import AUTHENTICATION
from ..base import AuthContractBase
from ..capabilities import GLOBAL_PERMISSIONS, Capability

__all__ = ["Holder", "PermissionChecks", "PermissionHelpers", "user_model_has"]

SET_METHODS = ("get_user_permissions", "get_group_permissions", "get_all_permissions")
ANY_PERMISSIONS = GLOBAL_PERMISSIONS | {Capability.OBJECT_PERMISSIONS}
NOWHERE = "contract_nowhere.nothing"
"""A permission nobody has: no table holds it."""


@dataclass(frozen=True)
class Holder:
    """A user to make for a permission check, and what they are granted."""

    label: str
    active: bool = True
    superuser: bool = False
    direct: frozenset[str] = frozenset()
    via_group: frozenset[str] = frozenset()
    on_object: frozenset[str] = frozenset()


def user_model_has(field_name: str) -> bool:
    """Whether the configured user model has this field (``is_superuser``)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import FieldDoesNotExist

    try:
        get_user_model()._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    return True


def app_labels_to_ask(perms: tuple[str, ...]) -> list[str]:
    """Each app label of ``perms``; the first one letter short (a prefix is not the app);
    and one no permission has."""
    labels = sorted({perm.partition(".")[0] for perm in perms})
    return [*labels, labels[0][:-1], NOWHERE.partition(".")[0]]


class PermissionHelpers(AuthContractBase):
    """What checks of permission methods share (no checks of its own)."""

    def defines(self, sync_name: str) -> bool:
        """Whether the backend has either side of this method."""
        return any(lookup(self.backend_class, n) for n in AUTHENTICATION.pair(sync_name))

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
            async_name = AUTHENTICATION.pair(name).async_name
            method = getattr(backend, async_name, None)
            if not self.defines(name):
                continue
            if not callable(method):
                # Nothing to measure is no pass: User.a<name>() skips the backend.
                raise fail(
                    f"{async_name} is missing: User.{async_name}() skips this backend and denies"
                )
            calls[async_name] = (method, args)
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

    def every_source(self) -> list[Holder]:
        """One user of each source of a grant the contract can make, inactive ones included.

        Direct grants, group-only grants, both, grants on an object, superusers,
        and inactive users and superusers holding all of them: each reached on
        every run, not only when generated inputs happen to draw it.
        """
        declared = self.declared_capabilities()
        perms = self.permission_names()
        first, second, last = perms[0], perms[1], perms[-1]
        global_grants = bool(declared & GLOBAL_PERMISSIONS)
        object_grants = Capability.OBJECT_PERMISSIONS in declared
        holders = [Holder("no grant")]
        if global_grants:
            holders += [
                Holder("a direct grant", direct=frozenset({first})),
                Holder("a grant through a group only", via_group=frozenset({second})),
                Holder(
                    "direct and group grants",
                    direct=frozenset({first, last}),
                    via_group=frozenset({first, second}),
                ),
            ]
        if object_grants:
            holders.append(Holder("a grant on the object", on_object=frozenset({first})))
        holders.append(
            Holder(
                "inactive, with every grant",
                active=False,
                direct=frozenset({first} if global_grants else ()),
                via_group=frozenset({second} if global_grants else ()),
                on_object=frozenset({first} if object_grants else ()),
            )
        )
        if user_model_has("is_superuser"):
            holders += [
                Holder("a superuser", superuser=True),
                Holder("an inactive superuser", active=False, superuser=True),
            ]
        return holders

    def make_holder(self, holder: Holder, obj: Any = None) -> Any:
        """The user ``holder`` describes, as stored (object grants on ``obj``, or a new object)."""
        user = self.create_user(**({"is_superuser": True} if holder.superuser else {}))
        for perm in sorted(holder.direct):
            self.grant_permission(user, perm)
        for perm in sorted(holder.via_group):
            self.grant_group_permission(user, perm)
        for perm in sorted(holder.on_object):
            target = obj if obj is not None else self.permission_object()
            self.grant_object_permission(user, perm, target)
        return self.reload(user) if holder.active else self.deactivate(user)

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
        cases += [
            ("has_module_perms", (label,), label == granted_app)
            for label in app_labels_to_ask((granted,))
        ]
        for name, args, expected in cases:
            outcome = mode.outcome(backend, name, self.reload(user), *args)
            self.expect(outcome, expected, f"granted only {granted}", {"args": args})

    @check(any_of=ANY_PERMISSIONS)
    def inactive_users_have_no_permissions(self, mode: Mode) -> None:
        """An inactive user gets no permissions, whatever was granted, even a superuser."""
        user = self.create_user()
        obj = self.grant_everything(user)
        user = self.deactivate(user)
        self.expect_no_permissions(mode, user, "inactive user")
        if obj is not None:
            self.expect_no_permissions(mode, self.reload(user), "inactive user", obj)
        if user_model_has("is_superuser"):
            superuser = self.deactivate(self.create_user(is_superuser=True))
            self.expect_no_permissions(mode, superuser, "inactive superuser")

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

    @check(requires={Capability.ALL_PERMISSIONS})
    def with_perm_lists_whom_has_perm_grants(self, mode: Mode) -> None:
        """with_perm() lists exactly the users has_perm() grants, from every source of a grant."""
        if not callable(getattr(self.backend_class, "with_perm", None)):
            raise unittest.SkipTest("does not apply: the backend has no with_perm()")
        made = {h.label: self.make_holder(h) for h in self.every_source() if not h.on_object}
        backend = self.get_backend()
        for perm in self.permission_names()[:2]:  # one granted directly, one through a group
            granted = {
                label
                for label, user in made.items()
                if mode.outcome(backend, "has_perm", self.reload(user), perm).value is True
            }
            listed_pks = {user.pk for user in backend.with_perm(perm)}
            listed = {label for label, user in made.items() if user.pk in listed_pks}
            if listed != granted:
                raise fail(
                    f"with_perm({perm!r}) disagrees with "
                    f"{mode.method_name('has_perm', self.backend_class)} ({mode.value})",
                    f"listed only:  {sorted(listed - granted)}",
                    f"granted only: {sorted(granted - listed)}",
                    "User.objects.with_perm() asks the backends: each must list whom it grants.",
                )
        if Capability.OBJECT_PERMISSIONS not in self.declared_capabilities():
            obj = self.permission_object()
            on_object = [user.pk for user in backend.with_perm(self.permission_names()[0], obj=obj)]
            if on_object:
                raise fail(
                    f"with_perm(..., obj={obj!r}) listed users, without object permissions",
                    "As has_perm() with an object, it must list nobody (ModelBackend's is empty).",
                )
