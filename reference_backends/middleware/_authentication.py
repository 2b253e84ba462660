"""``AuthenticationMiddleware``: ``request.user`` and ``request.auser()``, no hop of their own."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import SimpleLazyObject

from auth_backend_sdk.engine import DualMode
from auth_backend_sdk.engine.flow import run_async

from ..model_backend import ModelBackend
from ..sessions._one_step import StoreInOneStep, in_one_step
from ._hooks import HooksInEitherMode

if TYPE_CHECKING:
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
    """The user ``login()``/``logout()`` (either mode) set on the request, if they did.

    Only a user object counts: another lazy object set by some middleware
    would have to load on the event loop (``type()``, unlike ``isinstance()``,
    does not make it load).
    """
    current = request.__dict__.get("user", lazy_user)
    if current is lazy_user or not issubclass(type(current), (AbstractBaseUser, AnonymousUser)):
        return None
    return current


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
    """``auth.aget_user(request)``, in one thread hop where a reference store will load the session.

    Such a store loads the session in a step of the ORM's thread anyway (but
    for the ``cache`` store on Redis, which loads it on the loop): when
    the session names a dual-mode backend, whose sync and async sides agree
    (the SDK's engine sees to it), Django's ``get_user()`` runs in that same
    step (the user, the session hash check) and the user's permissions join
    it. Any other backend gets ``aget_user()`` on the loaded session, as with
    Django's middleware.
    """
    session = request.session
    if (
        isinstance(session, StoreInOneStep)
        and session.loads_in_an_orm_step()  # else aget_user() loads it with no hop
        and session.session_key is not None  # no cookie: nothing to load, no hop
        and not hasattr(session, "_session_cache")
    ):
        user = await run_async(in_one_step(_user_of_a_dual_mode_backend, request))
        if user is not None:
            return user
    return await auth.aget_user(request)


def _user_of_a_dual_mode_backend(request: HttpRequest) -> AbstractBaseUser | AnonymousUser | None:
    """In the ORM's thread: load the session; the user, if a dual-mode backend is to load it."""
    backend_path = request.session.get(auth.BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None  # aget_user() answers from the loaded session, with no hop
    backend = auth.load_backend(backend_path)
    if not isinstance(backend, DualMode):
        return None
    user = auth.get_user(request)
    if isinstance(backend, ModelBackend) and isinstance(user, AbstractBaseUser):
        backend.load_permissions_into(user)
    return user
