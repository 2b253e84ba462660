"""Typing Protocols for authentication and permission backends.

Generic in the user type. Parameters are positional-only where Django passes
them positionally, so implementations may name them as they like
(``user_obj``, ``user``); ``authenticate`` accepts any credential keywords,
because Django matches credentials against each backend's own signature.

All are ``runtime_checkable``: ``isinstance()`` checks that the methods exist,
not their signatures; mypy checks the signatures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

__all__ = [
    "AsyncAuthenticationBackend",
    "AsyncPermissionBackend",
    "DualModeAuthenticationBackend",
    "DualModePermissionBackend",
    "SyncAuthenticationBackend",
    "SyncPermissionBackend",
]

_UserT_co = TypeVar("_UserT_co", covariant=True)
_UserT_contra = TypeVar("_UserT_contra", contravariant=True)


@runtime_checkable
class SyncAuthenticationBackend(Protocol[_UserT_co]):
    """A backend that logs users in from sync code (``authenticate()``, ``login()``)."""

    def authenticate(
        self, request: HttpRequest | None, /, *args: Any, **credentials: Any
    ) -> _UserT_co | None: ...

    def get_user(self, user_id: Any, /) -> _UserT_co | None: ...


@runtime_checkable
class AsyncAuthenticationBackend(Protocol[_UserT_co]):
    """A backend that logs users in from async code (``aauthenticate()``, ``alogin()``)."""

    async def aauthenticate(
        self, request: HttpRequest | None, /, *args: Any, **credentials: Any
    ) -> _UserT_co | None: ...

    async def aget_user(self, user_id: Any, /) -> _UserT_co | None: ...


@runtime_checkable
class DualModeAuthenticationBackend(
    SyncAuthenticationBackend[_UserT_co], AsyncAuthenticationBackend[_UserT_co], Protocol[_UserT_co]
):
    """A backend that works from both sync and async code."""


@runtime_checkable
class SyncPermissionBackend(Protocol[_UserT_contra]):
    """A backend that ``User.has_perm()`` consults."""

    def has_perm(self, user_obj: _UserT_contra, perm: str, obj: Model | None = None, /) -> bool: ...


@runtime_checkable
class AsyncPermissionBackend(Protocol[_UserT_contra]):
    """A backend that ``User.ahas_perm()`` consults."""

    async def ahas_perm(
        self, user_obj: _UserT_contra, perm: str, obj: Model | None = None, /
    ) -> bool: ...


@runtime_checkable
class DualModePermissionBackend(
    SyncPermissionBackend[_UserT_contra],
    AsyncPermissionBackend[_UserT_contra],
    Protocol[_UserT_contra],
):
    """A backend that both ``has_perm()`` and ``ahas_perm()`` consult."""
