"""``AuthenticationMiddleware``: ``request.user`` and ``request.auser()``, no hop of their own."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.contrib import auth
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import SimpleLazyObject

from auth_backend_sdk.engine.flow import Flow, InOrmThread, run_async

from ..model_backend import ModelBackend
from ..sessions._one_step import StoreInOneStep
from ._hooks import HooksInEitherMode

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

__all__ = ["AuthenticationMiddleware"]

_SYNC_CACHE = "_cached_user"  # Django's names: code that resets them keeps working
_ASYNC_CACHE = "_acached_user"


class AuthenticationMiddleware(HooksInEitherMode, DjangoAuthenticationMiddleware):
    """Sets ``request.user`` (lazy) and ``request.auser()``, as Django's does, without a hop.

    Both load the user once per request and share what they loaded. They
    follow ``login()``, ``alogin()``, ``logout()`` and ``alogout()`` made
    during the request: on Django 5.2, whose ``alogin()`` leaves
    ``request.auser()`` answering the user it loaded before, too.
    """

    def process_request(self, request: HttpRequest) -> None:
        """Attach ``request.user`` and ``request.auser``; nothing is loaded yet."""
        if not hasattr(request, "session"):
            raise ImproperlyConfigured(
                "The Django authentication middleware requires session middleware to be "
                "installed. Edit your MIDDLEWARE setting to insert "
                "'reference_backends.middleware.SessionMiddleware' (or Django's) before "
                f"'{type(self).__module__}.{type(self).__qualname__}'."
            )
        lazy_user = SimpleLazyObject(partial(_user, request))
        request.user = lazy_user  # type: ignore[assignment]
        request.auser = partial(_auser, request, lazy_user)  # type: ignore[assignment]

    async def aprocess_request(self, request: HttpRequest) -> None:
        """See process_request(): no I/O, so no thread hop."""
        self.process_request(request)


def _replaced_user(request: HttpRequest, lazy_user: object) -> Any:
    """The user ``login()``/``logout()`` (either mode) set on the request, if they did."""
    current = request.__dict__.get("user", lazy_user)
    return None if current is lazy_user else current


def _user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    if not hasattr(request, _SYNC_CACHE):
        loaded = getattr(request, _ASYNC_CACHE, None)
        setattr(request, _SYNC_CACHE, loaded if loaded is not None else auth.get_user(request))
    user: AbstractBaseUser | AnonymousUser = getattr(request, _SYNC_CACHE)
    return user


async def _auser(request: HttpRequest, lazy_user: object) -> AbstractBaseUser | AnonymousUser:
    replaced = _replaced_user(request, lazy_user)
    if replaced is not None:
        return replaced  # type: ignore[no-any-return]
    if not hasattr(request, _ASYNC_CACHE):
        loaded = getattr(request, _SYNC_CACHE, None)
        setattr(request, _ASYNC_CACHE, loaded if loaded is not None else await _aget_user(request))
    user: AbstractBaseUser | AnonymousUser = getattr(request, _ASYNC_CACHE)
    return user


async def _aget_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """``auth.aget_user(request)``, in one thread hop where the session is not loaded yet.

    A reference store runs its ``load()`` in a step of the ORM's thread anyway:
    Django's ``get_user()`` runs there whole (session, user, the session hash
    check) and the user's permissions join it, instead of a hop for the session
    and another for the user. Sync and async sides agree (the session family
    and the backends' engine see to it): the answer is the same.
    """
    session = request.session
    if isinstance(session, StoreInOneStep) and not hasattr(session, "_session_cache"):
        return await run_async(_user_in_one_step(request))
    return await auth.aget_user(request)


def _user_in_one_step(request: HttpRequest) -> Flow[AbstractBaseUser | AnonymousUser]:
    user: AbstractBaseUser | AnonymousUser = yield InOrmThread(_user_with_permissions, (request,))
    return user


def _user_with_permissions(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    user = auth.get_user(request)
    if user.is_authenticated:
        backend = auth.load_backend(request.session[auth.BACKEND_SESSION_KEY])
        if isinstance(backend, ModelBackend):
            backend.load_permissions_into(cast("AbstractBaseUser", user))
    return user
