"""Credentials: reject malformed input early, keep passwords out of reprs, verify off-loop."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import check_password
from django.utils.crypto import get_random_string
from django.views.decorators.debug import sensitive_variables

from auth_backend_sdk.engine.flow import Awaited, EachMode, Effect, InOrmThread

__all__ = ["Secret", "password_check_of_model", "usable_text", "verify_password_for"]


class Secret:
    """A password on its way through a flow; its ``repr()`` never shows it.

    ``Secret.seal()`` of something that cannot be a password (not text, NUL,
    lone surrogates) gives an *unusable* secret: it matches no account, yet
    verifying it still costs one run of the default hasher, like a wrong one.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str | None) -> None:
        self._value = value

    @classmethod
    def seal(cls, password: object) -> Secret:
        return cls(usable_text(password))

    @property
    def usable(self) -> bool:
        return self._value is not None

    def reveal(self) -> str:
        if self._value is None:
            raise ValueError("an unusable secret has no value")
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"


def usable_text(value: object) -> str | None:
    """``value`` if it is text a database can store and compare, else None.

    Not ``str``, containing NUL (PostgreSQL refuses it), or not encodable as
    UTF-8 (lone surrogates): no stored username or password can equal it.
    """
    if not isinstance(value, str) or "\x00" in value:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def password_check_of_model(user: AbstractBaseUser, secret: Secret) -> Effect | None:
    """The step running the user model's own password check; None if it keeps Django's.

    A model may override ``check_password()``, ``acheck_password()`` or both
    (a pepper, another store, a lockout). One side overridden: it runs in
    both modes. Both overridden, wherever in the model's bases: each mode
    gets its own, as in Django (``AbstractBaseUser.acheck_password`` never
    calls ``check_password``, so neither can stand for the other). The
    model's code may save, so a sync check runs in the ORM's thread.
    """
    model = type(user)
    own_sync = model.check_password is not AbstractBaseUser.check_password
    own_async = model.acheck_password is not AbstractBaseUser.acheck_password
    sync_check = InOrmThread(_check_with_model, (user, secret))
    async_check = Awaited(_acheck_with_model, (user, secret))
    if own_sync and own_async:
        return EachMode(sync_check, async_check)
    if own_sync:
        return sync_check
    return async_check if own_async else None


# sensitive_variables() with no names masks every variable of every frame
# below it in an error report, including frames of Django and of the user
# model: a narrower mask here would be replaced by theirs (or by none).
@sensitive_variables()
def _check_with_model(user: AbstractBaseUser, secret: Secret) -> bool:
    return user.check_password(secret.reveal())


@sensitive_variables()
async def _acheck_with_model(user: AbstractBaseUser, secret: Secret) -> bool:
    try:
        return await user.acheck_password(secret.reveal())
    except BaseException as failure:
        # Error reports find a frame's mask by walking f_back up to a
        # sensitive_variables() wrapper, and a finished coroutine's frame has
        # no f_back: every frame below here (the model's, Django's hashers')
        # would be shown unmasked, password included. Their variables go.
        _clear_finished_frames(failure)
        raise


def _clear_finished_frames(failure: BaseException) -> None:
    """Drop the local variables of the finished frames ``failure`` (and its chain) passed."""
    pending, seen = [failure], set()
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            with contextlib.suppress(RuntimeError):  # a frame still running: ours, callers'
                tb.tb_frame.clear()
            tb = tb.tb_next
        pending += [e for e in (exc.__cause__, exc.__context__) if e is not None]


@sensitive_variables()
def verify_password_for(user: AbstractBaseUser | None, secret: Secret) -> tuple[bool, bool]:
    """``(is_correct, upgraded)``; CPU-bound, touches no database.

    For an unknown user it runs the default hasher once anyway, so that the
    time taken does not reveal whether the account exists (Django #20760).
    When the stored hash is outdated and the password correct, the user's
    ``set_password()`` re-hashes it here, off the event loop; saving it is
    left to the caller (one ``UPDATE`` of the password column).
    """
    if user is None or not secret.usable:
        # The default hasher runs either way: timing says nothing (Django #20760).
        # Through set_password(), as Django does, so a model's own hashing counts.
        password = secret.reveal() if secret.usable else get_random_string(32)
        get_user_model()().set_password(password)
        return False, False
    password = secret.reveal()
    upgraded = False

    @sensitive_variables()
    def upgrade(raw: Any) -> None:
        nonlocal upgraded
        user.set_password(raw)
        # A hash upgrade is not a password change (as in Django's own setter).
        user._password = None  # type: ignore[attr-defined]
        upgraded = True

    return check_password(password, user.password, upgrade), upgraded
