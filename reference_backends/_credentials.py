"""Credentials: reject malformed input early, keep passwords out of reprs, verify off-loop."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import check_password
from django.utils.crypto import get_random_string
from django.views.decorators.debug import sensitive_variables

__all__ = [
    "Secret",
    "check_with_user_method",
    "has_own_check_password",
    "usable_text",
    "verify_password_for",
]


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


def has_own_check_password(user: AbstractBaseUser) -> bool:
    """Whether the user model overrides ``check_password()`` (a pepper, another store, ...)."""
    return type(user).check_password is not AbstractBaseUser.check_password


@sensitive_variables("password")
def check_with_user_method(user: AbstractBaseUser, secret: Secret) -> bool:
    """The model's own ``check_password()``: it may save, so it runs in the ORM's thread."""
    password = secret.reveal()
    return user.check_password(password)


@sensitive_variables("password")
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

    @sensitive_variables("raw")
    def upgrade(raw: Any) -> None:
        nonlocal upgraded
        user.set_password(raw)
        # A hash upgrade is not a password change (as in Django's own setter).
        user._password = None  # type: ignore[attr-defined]
        upgraded = True

    return check_password(password, user.password, upgrade), upgraded
