"""Password hashing: what a login runs and what it stores, in each mode.

Judged by what runs, not by the clock, with real hashers installed in
``PASSWORD_HASHERS`` for the duration of the check:

* a username nobody has costs exactly one run of the default hasher, like a
  user whose password is unusable, so that response times do not tell who
  has an account (Django ticket #20760, in Django's ``ModelBackend`` and
  ``check_password()``);
* a valid login of a user whose hash an older hasher made stores a new hash
  by the preferred hasher, saving the password column only (Django's
  ``AbstractBaseUser.check_password()``; "password upgrading" in its docs).

Both apply to backends that check passwords stored on the user model, as
``ModelBackend`` does (``model_backend_compatible``).
"""

from __future__ import annotations

import threading
import unittest
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import (
    MD5PasswordHasher,
    get_hasher,
    identify_hasher,
    make_password,
)
from django.db.models.signals import pre_save
from django.test import override_settings

from ....testing._reporting import fail, render_inputs, render_outcome
from ....testing.harness import check
from ....testing.modes import Mode
from ..base import AuthContractBase
from ..capabilities import Capability

__all__ = [
    "CountingPasswordHasher",
    "OutdatedPasswordHasher",
    "PasswordHashingChecks",
    "hashers",
    "store_outdated_hash",
]


class CountingPasswordHasher(MD5PasswordHasher):
    """A real (fast) hasher that counts its runs: every hash it computes goes through encode()."""

    algorithm = "contract_counting_md5"
    runs: ClassVar[int] = 0
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def encode(self, password: str, salt: str) -> str:
        # Hashing may run in any thread (a pool, asgiref's executor): one counter for all.
        with CountingPasswordHasher._lock:
            CountingPasswordHasher.runs += 1
        return super().encode(password, salt)


class OutdatedPasswordHasher(MD5PasswordHasher):
    """A real hasher installed last: hashes it made are outdated, to be upgraded at login."""

    algorithm = "contract_outdated_md5"


def _path(hasher: type) -> str:
    return f"{hasher.__module__}.{hasher.__qualname__}"


@contextmanager
def hashers(*, first: type | None = None, last: type | None = None) -> Iterator[None]:
    """``PASSWORD_HASHERS`` with ``first`` as the default hasher and/or ``last`` appended."""
    paths = [*([_path(first)] if first else []), *settings.PASSWORD_HASHERS]
    paths += [_path(last)] if last else []
    with override_settings(PASSWORD_HASHERS=list(dict.fromkeys(paths))):
        yield


def store_outdated_hash(user: Any, password: str) -> Any:
    """``user`` as stored with ``password`` hashed by :class:`OutdatedPasswordHasher`.

    Needs the hasher installed (``hashers(last=OutdatedPasswordHasher)``).
    """
    user.password = make_password(password, hasher=OutdatedPasswordHasher.algorithm)
    user.save(update_fields=["password"])
    return type(user)._default_manager.get(pk=user.pk)


@contextmanager
def user_saves() -> Iterator[list[frozenset[str] | None]]:
    """The ``update_fields`` of each save of a user made in the block (None: the whole row)."""
    saved: list[frozenset[str] | None] = []

    def record(sender: Any, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
        saved.append(update_fields)

    uid = f"contract-password-upgrade-{id(saved)}"
    pre_save.connect(record, sender=get_user_model(), weak=False, dispatch_uid=uid)
    try:
        yield saved
    finally:
        pre_save.disconnect(sender=get_user_model(), dispatch_uid=uid)


class PasswordHashingChecks(AuthContractBase):
    def require_stored_passwords(self) -> None:
        if not self.is_model_backend_compatible():
            raise unittest.SkipTest(
                "does not apply: the backend does not check passwords stored on the user model "
                "(set model_backend_compatible = True if it does)"
            )

    @check(requires={Capability.PASSWORD_CREDENTIALS})
    def unknown_users_cost_one_hash(self, mode: Mode) -> None:
        """A username nobody has runs the default password hasher exactly once (Django #20760)."""
        self.require_stored_passwords()
        with hashers(first=CountingPasswordHasher):
            unusable = self.create_user()
            unusable.set_unusable_password()
            unusable.save(update_fields=["password"])
            cases = {
                "a username nobody has": self.unknown_login(),
                "a user whose password is unusable": self.valid_login(self.reload(unusable)),
            }
            problems = []
            for case, login in cases.items():
                before = CountingPasswordHasher.runs
                outcome = mode.outcome(
                    self.get_backend(), "authenticate", login.request, **login.credentials
                )
                runs = CountingPasswordHasher.runs - before
                inputs = render_inputs(dict(login.credentials), self.secrets())
                if runs != 1:
                    problems.append(f"{case} ({inputs}): {runs} runs, {render_outcome(outcome)}")
                elif outcome.raised is not None or outcome.value is not None:
                    problems.append(f"{case} ({inputs}): {render_outcome(outcome)}, not None")
        if problems:
            method = mode.method_name("authenticate", self.backend_class)
            raise fail(
                f"{method} ({mode.value}) must run the default "
                "password hasher once, and return None",
                *problems,
                "A login that skips the hash answers faster for accounts that do not exist: "
                "response times tell who has one (Django ticket #20760). Hash anyway, as "
                "Django's check_password_with_timing_attack_mitigation() does.",
            )

    @check(requires={Capability.PASSWORD_CREDENTIALS})
    def outdated_hashes_are_upgraded_on_login(self, mode: Mode) -> None:
        """A login stores a hash by the preferred hasher in place of an outdated one, alone."""
        self.require_stored_passwords()
        method = f"{mode.method_name('authenticate', self.backend_class)} ({mode.value})"
        with hashers(last=OutdatedPasswordHasher):
            user = store_outdated_hash(self.create_user(), self.password)
            outdated = user.password
            backend = self.get_backend()

            wrong = self.wrong_login(user)
            mode.outcome(backend, "authenticate", wrong.request, **wrong.credentials)
            if self.reload(user).password != outdated:
                raise fail(f"{method} changed the stored hash for a wrong password")

            login = self.valid_login(user)
            with user_saves() as saves:
                outcome = mode.outcome(backend, "authenticate", login.request, **login.credentials)
            inputs = {"request": login.request, **login.credentials}
            self.expect(outcome, user, "valid credentials, outdated hash", inputs)
            stored = identify_hasher(self.reload(user).password).algorithm
            preferred = get_hasher().algorithm
        if stored != preferred:
            raise fail(
                f"{method} kept the outdated hash of a user who logged in",
                f"stored: a {stored} hash; preferred: {preferred}",
                "Django upgrades it at login: User.check_password() saves the new hash.",
            )
        if None in saves:
            raise fail(
                f"{method} saved the whole user to store the upgraded hash",
                "A full save() writes back every column as it was read, over changes made "
                "meanwhile (a deactivation): save(update_fields=['password']), as Django does.",
            )
