"""Parity: for the same inputs, sync and async agree, with each other and with the database.

Each check runs explicit cases first, which reach every kind of input on
every run (an inactive user's login, an outdated hash, a grant through a
group only, a superuser, an inactive superuser...), then inputs Hypothesis
generates: credentials built from real, wrong, unknown and random strings;
users with random direct, group and object grants, active or not, superuser
or not. Each mode runs in a savepoint of its own, rolled back, and what the
call stored (the user table, see :mod:`.stored_rows`) is compared too, not
only what it returned. For ModelBackend-compatible backends the results are
also compared with an oracle computed from Django's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ....testing._reporting import fail, render_inputs, render_outcome
from ....testing.harness import HookMissing, check, hypothesis_strategies
from ....testing.masking import mask
from ....testing.modes import ASYNC, SYNC, Mode, Outcome
from ..capabilities import (
    ANSWERS_PERMISSIONS,
    AUTHENTICATES,
    GLOBAL_PERMISSIONS,
    Capability,
    CredentialStyle,
)
from ..capabilities import credential_style as style_of
from ..hooks import Login
from .authentication import unknown_user_id
from .password_hashing import OutdatedPasswordHasher, hashers, store_outdated_hash
from .permissions import (
    NOWHERE,
    SET_METHODS,
    Holder,
    PermissionHelpers,
    app_labels_to_ask,
    user_model_has,
)
from .stored_rows import changes, stored_users

__all__ = ["AuthenticationParityChecks", "PermissionParityChecks"]

PERMISSION_METHODS = (
    *SET_METHODS,
    "has_perm",
    "has_module_perms",
    "_get_permissions",
    "_get_user_permissions",
    "_get_group_permissions",
)
"""What answers permissions in a ModelBackend: the oracle judges them where they are its own."""

Stored = dict[str, object]
NO_ANSWER = object()
"""What the login oracle answers where it cannot tell."""


@dataclass(frozen=True)
class Run:
    """One mode's call: its outcome, and what it changed in the user table."""

    outcome: Outcome
    stored: Stored


class ParityHelpers(PermissionHelpers):
    """Running explicit and generated examples and comparing modes (no checks of its own)."""

    granted_any: bool = False
    """Whether a permission method, in sync mode, granted anything since it was reset."""

    def compare_permissions(self, user: Any, who: str, oracle: bool, obj: Any = None) -> None:
        """Every permission method on ``user`` (described as ``who``), in both modes, for
        every permission."""
        expected = self.oracle_permissions(user, obj) if oracle else None
        perms = self.permission_names()
        calls: list[tuple[str, tuple[Any, ...]]] = [(name, (obj,)) for name in SET_METHODS]
        calls += [("has_perm", (perm, obj)) for perm in (*perms, NOWHERE)]
        if obj is None:
            calls += [("has_module_perms", (label,)) for label in app_labels_to_ask(perms)]
        for name, args in calls:
            if not self.defines(name):
                continue
            outcomes = self.both_modes(name, *args, user=user)
            inputs = {"user_obj": user, "who": who, "args": args}
            self.expect_parity(outcomes, inputs)
            self.granted_any = self.granted_any or bool(outcomes[0].value)
            if expected is not None:
                self.expect_oracle(outcomes, _oracle_answer(expected, name, args), inputs)

    def both_modes(
        self, name: str, *args: Any, user: Any = None, **kwargs: Any
    ) -> tuple[Outcome, Outcome]:
        """The same call in each mode; ``user`` goes first, reloaded (no shared caches)."""
        backend = self.get_backend()

        def call(mode: Mode) -> Outcome:
            if user is None:
                return mode.outcome(backend, name, *args, **kwargs)
            return mode.outcome(backend, name, self.reload(user), *args, **kwargs)

        return call(SYNC), call(ASYNC)

    def in_each_mode(self, call: Callable[[Mode], Outcome]) -> tuple[Run, Run]:
        """``call`` in each mode, each in its own rolled-back savepoint, and what it stored."""
        runs = []
        for mode in (SYNC, ASYNC):
            with self.rolled_back():
                before = stored_users()
                outcome = call(mode)
                runs.append(Run(outcome, changes(before, stored_users(), self.password)))
        return runs[0], runs[1]

    def expect_parity(
        self,
        outcomes: tuple[Outcome, Outcome],
        inputs: dict[str, Any],
        stored: tuple[Stored, Stored] | None = None,
    ) -> None:
        sync, async_ = outcomes
        if parity_key(sync) != parity_key(async_):
            raise fail(
                f"parity: {async_.method} diverged from {sync.method}",
                f"inputs: {render_inputs(inputs, self.secrets())}",
                f"sync:   {render_outcome(sync, self.secrets())}",
                f"async:  {render_outcome(async_, self.secrets())}",
            )
        if stored is not None and stored[0] != stored[1]:
            raise fail(
                f"parity: {async_.method} stored other rows than {sync.method}",
                f"inputs: {render_inputs(inputs, self.secrets())}",
                f"sync stored:  {self.render_stored(stored[0])}",
                f"async stored: {self.render_stored(stored[1])}",
                f"both returned: {render_outcome(sync, self.secrets())}",
            )

    def expect_runs_agree(self, runs: tuple[Run, Run], inputs: dict[str, Any]) -> None:
        sync, async_ = runs
        self.expect_parity((sync.outcome, async_.outcome), inputs, (sync.stored, async_.stored))

    def render_stored(self, stored: Stored) -> str:
        if not stored:
            return "nothing"
        return mask("; ".join(f"{what}: {how!r}" for what, how in stored.items()), self.secrets())

    def expect_oracle(
        self,
        outcomes: tuple[Outcome, Outcome],
        expected: object,
        inputs: dict[str, Any],
        why: str = "disagrees with Django's tables (the oracle)",
    ) -> None:
        for outcome in outcomes:
            self.expect(outcome, expected, why, inputs)

    def has_login_oracle(self) -> bool:
        """Whether :meth:`oracle_authenticate` knows what this backend must answer: a password
        backend compatible with ModelBackend, or a RemoteUserBackend cleaning no username."""
        if not self.answers_as_model_backend_for("authenticate", "user_can_authenticate"):
            return False
        style = style_of(self.backend_class)
        if style is CredentialStyle.PASSWORD:
            return True
        from django.contrib.auth.backends import RemoteUserBackend

        own_cleaning = getattr(self.backend_class, "clean_username", None)
        return style is CredentialStyle.REMOTE_USER and own_cleaning is getattr(
            RemoteUserBackend, "clean_username", None
        )

    def oracle_authenticate(self, users: dict[str, Any], credentials: dict[str, Any]) -> object:
        """What Django's ModelBackend (or RemoteUserBackend) answers, read from the tables;
        :data:`NO_ANSWER` for a name a RemoteUserBackend creates."""
        if style_of(self.backend_class) is CredentialStyle.REMOTE_USER:
            name = credentials.get("remote_user")
            if not name:
                return None
            if name in users:
                return self.oracle_user(users[name])
            creates = Capability.CREATES_USERS in self.declared_capabilities()
            return NO_ANSWER if creates else None
        user = _by_natural_key(credentials.get("username"))
        if user is None or user.get_username() not in users:
            return None
        if credentials.get("password") != self.password:
            return None
        return self.oracle_user(users[user.get_username()])

    def oracle_user(self, user: Any) -> Any:
        """``user`` if the backend's ``user_can_authenticate()`` lets them in, else None."""
        can = getattr(self.get_backend(), "user_can_authenticate", None)
        return user if can is None or can(self.reload(user)) else None

    def oracle_permissions(self, user: Any, obj: Any = None) -> dict[str, set[str]]:
        """Each permission set as Django's ModelBackend defines it, read from the tables."""
        from django.contrib.auth.models import Permission

        if not user.is_active or obj is not None:
            return {name: set() for name in SET_METHODS}

        def names(queryset: Any) -> set[str]:
            rows = queryset.values_list("content_type__app_label", "codename")
            return {f"{app}.{codename}" for app, codename in rows}

        if getattr(user, "is_superuser", False):
            everything = names(Permission.objects.all())
            direct = grouped = everything
        else:
            direct = names(Permission.objects.filter(user=user))
            grouped = names(Permission.objects.filter(group__user=user))
        return {
            "get_user_permissions": direct,
            "get_group_permissions": grouped,
            "get_all_permissions": direct | grouped,
        }

    @contextmanager
    def rolled_back(self) -> Iterator[None]:
        """Run one example (or one mode of it) in a savepoint that is rolled back."""
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


class AuthenticationParityChecks(ParityHelpers):
    @check(any_of=AUTHENTICATES, modes=())
    def authentication_parity(self) -> None:
        """authenticate() and aauthenticate() agree on generated logins, and on what they store."""
        st = hypothesis_strategies()
        with hashers(last=OutdatedPasswordHasher):
            self._authentication_parity(st)

    def _authentication_parity(self, st: Any) -> None:
        active = self.create_user()
        inactive = self.deactivate(self.create_user())
        users = [active, inactive]
        cases: dict[str, Callable[[], Login]] = {
            "valid": lambda: self.valid_login(active),
            "valid, inactive user": lambda: self.valid_login(inactive),
            "wrong": lambda: self.wrong_login(active),
            "unknown": self.unknown_login,
        }
        password_style = style_of(self.backend_class) is CredentialStyle.PASSWORD
        if password_style and self.is_model_backend_compatible():
            outdated = store_outdated_hash(self.create_user(), self.password)
            users.append(outdated)
            cases["valid, outdated hash"] = lambda: self.valid_login(outdated)
        with self.rolled_back():  # a hook the contract lacks: not run, before any example
            made = {kind: make() for kind, make in cases.items()}
        sample = made["valid"].credentials.get("username")
        if password_style and isinstance(sample, str) and sample.swapcase() != sample:
            cases["valid, username in another case"] = lambda: _swapcased(self.valid_login(active))
        fields = list(self.credential_fields())
        drawn = st.tuples(
            st.sampled_from(sorted(cases)),
            st.dictionaries(st.sampled_from(fields), _text(st), max_size=len(fields))
            if fields
            else st.just({}),
        )
        oracle = self.has_login_oracle()
        by_name = {u.get_username(): u for u in users}

        def example(case: tuple[str, dict[str, Any]]) -> None:
            kind, replaced = case
            with self.rolled_back():  # what the login hooks make, too
                first = cases[kind]()
                credentials = {**first.credentials, **replaced}
                inputs = {"login": kind, "request": first.request, **credentials}

                def login(mode: Mode) -> Outcome:
                    made = first if mode is SYNC else self.repeat_login(first)
                    given = {**made.credentials, **replaced}
                    return mode.outcome(self.get_backend(), "authenticate", made.request, **given)

                runs = self.in_each_mode(login)
            self.expect_runs_agree(runs, inputs)
            if oracle:
                expected = self.oracle_authenticate(by_name, credentials)
                if expected is not NO_ANSWER:
                    self.expect_oracle((runs[0].outcome, runs[1].outcome), expected, inputs)

        self.run_examples(drawn, example, [(kind, {}) for kind in cases])

    @check(requires={Capability.GET_USER}, modes=())
    def get_user_parity(self) -> None:
        """get_user() and aget_user() agree on active, inactive and unknown users, rows included."""
        users: dict[str, Any] = {
            "an active user": self.create_user(),
            "an inactive user": self.deactivate(self.create_user()),
        }
        if user_model_has("is_superuser"):
            users["a superuser"] = self.create_user(is_superuser=True)
            users["an inactive superuser"] = self.deactivate(self.create_user(is_superuser=True))
        ids = {label: user.pk for label, user in users.items()}
        ids["an id nobody has"] = unknown_user_id()
        oracle = self.answers_as_model_backend_for("get_user", "user_can_authenticate")
        for label, user_id in ids.items():

            def get_user(mode: Mode, user_id: Any = user_id) -> Outcome:
                return mode.outcome(self.get_backend(), "get_user", user_id)

            runs = self.in_each_mode(get_user)
            inputs = {"user": label, "user_id": user_id}
            self.expect_runs_agree(runs, inputs)
            if oracle:
                user = users.get(label)
                expected = None if user is None else self.oracle_user(user)
                why = (
                    "as ModelBackend's, get_user() gives None for a user user_can_authenticate() "
                    "refuses: a deactivated user's sessions end"
                )
                self.expect_oracle((runs[0].outcome, runs[1].outcome), expected, inputs, why)


class PermissionParityChecks(ParityHelpers):
    @check(any_of=ANSWERS_PERMISSIONS, modes=())
    def permission_parity(self) -> None:
        """Permission methods agree in both modes for each source of a grant, and generated users.

        Every source the contract can grant from (Django's tables for
        ModelBackend-compatible backends, or the grant hooks) is reached on
        every run: direct grants, group-only grants, both, grants on an object,
        superusers, inactive users and inactive superusers; then generated
        users mix them. Without grant hooks: the users, permissions and objects
        alone.
        """
        st = hypothesis_strategies()
        declared = self.declared_capabilities()
        perms = list(self.permission_names())
        grants = (
            st.frozensets(st.sampled_from(perms))
            if declared & GLOBAL_PERMISSIONS
            else st.just(frozenset())
        )
        on_object = (
            st.frozensets(st.sampled_from(perms))
            if Capability.OBJECT_PERMISSIONS in declared
            else st.just(frozenset())
        )
        holder = st.builds(
            Holder,
            label=st.just("generated"),
            active=st.booleans(),
            superuser=st.booleans() if user_model_has("is_superuser") else st.just(False),
            direct=grants,
            via_group=grants,
            on_object=on_object,
        )
        drawn = st.tuples(st.lists(holder, min_size=1, max_size=3), st.booleans())
        oracle = self.answers_as_model_backend_for(*PERMISSION_METHODS)
        sources = self.every_source()
        explicit = [([h], bool(h.on_object)) for h in sources] + [(sources, True)]

        def example(case: tuple[list[Holder], bool]) -> None:
            holders, with_object = case
            with self.rolled_back():
                obj = self.permission_object() if with_object else None
                for one in holders:
                    who = one.label if one.label != "generated" else _describe(one)
                    self.compare_permissions(self.make_holder(one, obj), who, oracle, obj)

        self.granted_any = False
        self.run_examples(drawn, example, explicit)
        if not self.granted_any:
            # Both modes denying everything agree, and prove nothing.
            raise HookMissing(
                "permission_names",
                "the backend granted none of the permissions asked, to any user or object: "
                "name permissions it grants (and write permission_object() for the objects "
                "it grants them on)",
            )

    @check(any_of=GLOBAL_PERMISSIONS, modes=())
    def permission_cache_parity(self) -> None:
        """A grant made after a first call is seen, or not (a cache), alike in both modes.

        Each method is called twice on one user object, with grants made
        between the calls; the second answers must agree between the modes.
        Django's ModelBackend caches permissions on the user object at the
        first call (a later grant shows once the user is loaded again): for
        ModelBackend-compatible backends, the second answer is the first one.
        """
        perms = self.permission_names()
        first, later_direct, later_group = perms[0], perms[1], perms[-1]
        labels = sorted({p.partition(".")[0] for p in (later_direct, later_group)})
        oracle = self.answers_as_model_backend_for(*PERMISSION_METHODS)
        questions: list[tuple[str, tuple[Any, ...]]] = [(name, ()) for name in SET_METHODS]
        questions += [("has_perm", (perm,)) for perm in (later_direct, later_group)]
        questions += [("has_module_perms", (label,)) for label in labels]
        for name, args in questions:
            if not self.defines(name):
                continue

            def twice(mode: Mode, name: str = name, args: tuple[Any, ...] = args) -> Outcome:
                user = self.create_user()
                self.grant_permission(user, first)
                user = self.reload(user)
                backend = self.get_backend()
                mode.outcome(backend, name, user, *args)
                self.grant_permission(user, later_direct)
                self.grant_group_permission(user, later_group)
                return mode.outcome(backend, name, user, *args)

            sync, async_ = self.in_each_mode(twice)
            inputs = {
                "method": name,
                "args": args,
                "granted first": first,
                "granted after the first call": f"{later_direct}, {later_group} (group)",
            }
            self.expect_parity((sync.outcome, async_.outcome), inputs)
            if oracle:
                cached = {"get_user_permissions": {first}, "get_group_permissions": set()}
                cached["get_all_permissions"] = {first}
                for outcome in (sync.outcome, async_.outcome):
                    self.expect(
                        outcome,
                        _oracle_answer(cached, name, args),
                        "ModelBackend answers from the user object's cache until it is reloaded "
                        "(Django's docs: permission caching)",
                        inputs,
                    )


def parity_key(outcome: Outcome) -> tuple[object, ...]:
    """``outcome.key``, with a returned user by natural key rather than primary key.

    Each mode runs in its own rolled-back savepoint: a user created by each
    (``RemoteUserBackend``) gets another primary key on PostgreSQL, whose
    sequences are not rolled back.
    """
    value = outcome.value
    if outcome.raised is None and not outcome.missing and hasattr(value, "get_username"):
        label = type(value)._meta.label_lower  # type: ignore[attr-defined]
        return ("returned", ("user", label, value.get_username()))
    return outcome.key


def _describe(holder: Holder) -> str:
    traits = ["active" if holder.active else "inactive"]
    traits += ["superuser"] if holder.superuser else []
    traits += [
        f"{how}: {', '.join(sorted(perms))}"
        for how, perms in (
            ("direct", holder.direct),
            ("via a group", holder.via_group),
            ("on the object", holder.on_object),
        )
        if perms
    ]
    return "; ".join(traits)


def _by_natural_key(username: object) -> Any:
    """Whom Django's ModelBackend finds for ``username``: the database's collation decides."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    if not isinstance(username, str):
        return None
    try:
        return model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        return None


def _swapcased(login: Login) -> Login:
    credentials = dict(login.credentials)
    credentials["username"] = str(credentials["username"]).swapcase()
    return Login(credentials, login.request)


def _oracle_answer(expected: dict[str, set[str]], name: str, args: tuple[Any, ...]) -> object:
    everything = expected["get_all_permissions"]
    if name == "has_perm":
        return args[0] in everything
    if name == "has_module_perms":
        return any(perm.partition(".")[0] == args[0] for perm in everything)
    return expected[name]


def _text(st: Any) -> Any:
    # NUL and lone surrogates belong to the bad-input check, not to parity.
    alphabet = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
    return st.text(alphabet, max_size=24)
