"""The async methods measured, each as one call that checks its own answer.

Hop counts (:mod:`bench.hop_counts`) and latencies (:mod:`bench.latency`)
go through the same list, so both tables have the same rows. "Cold" calls
drop the user's permission caches first (a fresh request's user); "warm"
calls reuse a user whose caches an earlier call filled. Logins use the
``bench-fast`` user: run them under :func:`bench.environment.fast_hashing`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .fixtures import PASSWORD, Fixtures

__all__ = ["CALLS", "Call", "Prepared", "prepare"]

PERMISSION_CACHES = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")
MODEL_BACKEND = "ModelBackend"
REMOTE_USER_BACKEND = "RemoteUserBackend"


@dataclass(frozen=True)
class Call:
    label: str
    family: str
    """Which contenders it runs on: ``ModelBackend`` or ``RemoteUserBackend`` ones."""
    invoke: Callable[[Any, Any, Fixtures], Awaitable[object]]
    """``invoke(backend, user, fixtures)``; ``user`` is the staff user, a model instance."""
    expected: Callable[[object, Any, Fixtures], bool]
    """``expected(result, user, fixtures)``: whether the answer is right."""


def _drop_caches(user: Any) -> Any:
    for cache in PERMISSION_CACHES:
        user.__dict__.pop(cache, None)
    return user


async def _login(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.aauthenticate(None, username=fixtures.fast_login, password=PASSWORD)


async def _wrong_password(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.aauthenticate(None, username=fixtures.fast_login, password="wrong")


async def _get_user(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.aget_user(fixtures.staff_pk)


async def _all_permissions_cold(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.aget_all_permissions(_drop_caches(user))


async def _all_permissions_warm(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.aget_all_permissions(user)


async def _has_perm_cold(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.ahas_perm(_drop_caches(user), "auth.change_group")


async def _has_perm_warm(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.ahas_perm(user, "auth.change_group")


async def _has_module_perms(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.ahas_module_perms(_drop_caches(user), "auth")


async def _remote_login(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.aauthenticate(None, remote_user=fixtures.remote_user)


async def _configure_user(backend: Any, user: Any, fixtures: Fixtures) -> object:
    return await backend.aconfigure_user(None, user, created=False)


def _username(result: object) -> str | None:
    return getattr(result, "username", None)


def _granted(result: object, user: Any, fixtures: Fixtures) -> bool:
    return isinstance(result, set) and {"auth.change_group", "auth.add_user"} <= result


def _is_true(result: object, user: Any, fixtures: Fixtures) -> bool:
    return result is True


CALLS: tuple[Call, ...] = (
    Call(
        "aauthenticate (success)",
        MODEL_BACKEND,
        _login,
        lambda result, user, fixtures: _username(result) == fixtures.fast_login,
    ),
    Call(
        "aauthenticate (wrong password)",
        MODEL_BACKEND,
        _wrong_password,
        lambda result, user, fixtures: result is None,
    ),
    Call(
        "aget_user",
        MODEL_BACKEND,
        _get_user,
        lambda result, user, fixtures: _username(result) == user.username,
    ),
    Call("aget_all_permissions (cold)", MODEL_BACKEND, _all_permissions_cold, _granted),
    Call("aget_all_permissions (warm)", MODEL_BACKEND, _all_permissions_warm, _granted),
    Call("ahas_perm (cold)", MODEL_BACKEND, _has_perm_cold, _is_true),
    Call("ahas_perm (warm)", MODEL_BACKEND, _has_perm_warm, _is_true),
    Call("ahas_module_perms (cold)", MODEL_BACKEND, _has_module_perms, _is_true),
    Call(
        "RemoteUserBackend.aauthenticate",
        REMOTE_USER_BACKEND,
        _remote_login,
        lambda result, user, fixtures: _username(result) == fixtures.remote_user,
    ),
    Call(
        "RemoteUserBackend.aconfigure_user",
        REMOTE_USER_BACKEND,
        _configure_user,
        lambda result, user, fixtures: result is user,
    ),
)


@dataclass(frozen=True)
class Prepared:
    """One call bound to one backend and user: ``await prepared()`` runs it once."""

    call: Call
    backend: Any
    user: Any
    fixtures: Fixtures

    def __call__(self) -> Awaitable[object]:
        return self.call.invoke(self.backend, self.user, self.fixtures)

    async def checked(self) -> None:
        """Run once and fail loudly on a wrong answer: a fast wrong backend measures nothing."""
        result = await self()
        if not self.call.expected(result, self.user, self.fixtures):
            name = type(self.backend).__module__ + "." + type(self.backend).__qualname__
            raise AssertionError(f"{name}: {self.call.label} returned {result!r}")


def prepare(call: Call, backend: Any, fixtures: Fixtures) -> Prepared:
    """``call`` on ``backend`` with a user object of its own (its caches are its own)."""
    from django.contrib.auth.models import User

    return Prepared(call, backend, User.objects.get(pk=fixtures.staff_pk), fixtures)
