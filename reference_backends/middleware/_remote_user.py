"""``RemoteUserMiddleware``: log in the user the web server names, right in the first async view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import auth
from django.contrib.auth import middleware as django_middleware
from django.contrib.auth.backends import RemoteUserBackend
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIRequest

from auth_backend_sdk.engine import MethodPair
from auth_backend_sdk.engine.flow import (
    Awaited,
    EachMode,
    Flow,
    InOrmThread,
    Twin,
    run_async,
    run_sync,
)
from auth_backend_sdk.sessions.family import SESSIONS

from ._hooks import PROCESS_REQUEST, HooksInEitherMode

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponseBase

__all__ = ["PersistentRemoteUserMiddleware", "RemoteUserMiddleware"]

_CLEAN_USERNAME = MethodPair("clean_username", "aclean_username")
_REMOVE_INVALID_USER = MethodPair("_remove_invalid_user", "_aremove_invalid_user")
_SESSION_GET = SESSIONS.pair("get")


class RemoteUserMiddleware(HooksInEitherMode, django_middleware.RemoteUserMiddleware):
    """Authenticates the user named by ``header`` (``REMOTE_USER``) and logs them in.

    As Django's, in both modes, with three differences that are fixes:

    * after it logs a user in, ``await request.auser()`` answers that user on
      Django 5.2 too (5.2's answers the anonymous user it loaded first);
    * a subclass overriding only ``process_request()``, ``clean_username()``
      or ``_remove_invalid_user()`` has the override run under ASGI (Django
      6.1 ignores a sync ``process_request()`` override there);
    * the header is read as Django 6.1 reads it, on 5.2 too: under ASGI the
      default ``REMOTE_USER`` is the ``Remote-User`` request header
      (``HTTP_REMOTE_USER``); a custom ``header`` names a ``request.META``
      key in both modes.
    """

    __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = (
        PROCESS_REQUEST,
        _CLEAN_USERNAME,
        _REMOVE_INVALID_USER,
    )

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        self.process_request(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        await self.aprocess_request(request)
        return await self.get_response(request)  # type: ignore[no-any-return]

    def process_request(self, request: HttpRequest) -> None:
        """Log in the user named by the header; log out a remote user whose header is gone."""
        run_sync(self._authenticate_remote_user(request, "user"))

    async def aprocess_request(self, request: HttpRequest) -> None:
        """See process_request()."""
        await run_async(self._authenticate_remote_user(request, "auser"))

    def get_username(self, request: HttpRequest) -> str:
        """The name the web server passed; ``KeyError`` when it passed none."""
        if isinstance(request, ASGIRequest) and self.header == "REMOTE_USER":
            return request.META["HTTP_" + self.header]  # type: ignore[no-any-return]
        return request.META[self.header]  # type: ignore[no-any-return]

    def clean_username(self, username: str, request: HttpRequest) -> str:
        """The name as the session's backend cleans it (its ``clean_username()``, if any)."""
        return run_sync(_clean_username(username, request))

    async def aclean_username(self, username: str, request: HttpRequest) -> str:
        """See clean_username()."""
        return await run_async(_clean_username(username, request))

    def _remove_invalid_user(self, request: HttpRequest) -> None:
        run_sync(_remove_invalid_user(request))

    async def _aremove_invalid_user(self, request: HttpRequest) -> None:
        await run_async(_remove_invalid_user(request))

    def _authenticate_remote_user(self, request: HttpRequest, user_attribute: str) -> Flow[None]:
        # The authentication middleware sets request.user (read in sync mode) and
        # request.auser (in async mode).
        if not hasattr(request, user_attribute):
            raise ImproperlyConfigured(
                "The remote user middleware requires the authentication middleware to be "
                "installed. Edit your MIDDLEWARE setting to insert "
                "'reference_backends.middleware.AuthenticationMiddleware' (or Django's) "
                f"before the {type(self).__name__} class."
            )
        try:
            username = self.get_username(request)
        except KeyError:
            # No header: log out a user a remote user backend logged in, unless persistent.
            if self.force_logout_if_no_header:
                user = yield _current_user(request)
                if user.is_authenticated:
                    yield Twin(self, _REMOVE_INVALID_USER, (request,))
            return
        user = yield _current_user(request)
        if user.is_authenticated:
            # Already logged in as that user: the session carries them.
            if user.get_username() == (yield Twin(self, _CLEAN_USERNAME, (username, request))):
                return
            # Logged in as someone else than the header names.
            yield Twin(self, _REMOVE_INVALID_USER, (request,))
        user = yield EachMode(
            InOrmThread(_authenticate, (request, username)),
            Awaited(_aauthenticate, (request, username)),
        )
        if user:
            request.user = user
            yield EachMode(
                InOrmThread(auth.login, (request, user)), Awaited(auth.alogin, (request, user))
            )


class PersistentRemoteUserMiddleware(
    RemoteUserMiddleware, django_middleware.PersistentRemoteUserMiddleware
):
    """``RemoteUserMiddleware`` for logon pages: the session keeps the user without the header.

    (``force_logout_if_no_header = False``, from Django's class.)
    """


def _current_user(request: HttpRequest) -> EachMode:
    return EachMode(InOrmThread(_sync_user, (request,)), Awaited(_auser_of, (request,)))


def _sync_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    return request.user


async def _auser_of(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    return await request.auser()


def _authenticate(request: HttpRequest, username: str) -> AbstractBaseUser | None:
    return auth.authenticate(request, remote_user=username)


async def _aauthenticate(request: HttpRequest, username: str) -> AbstractBaseUser | None:
    return await auth.aauthenticate(request, remote_user=username)


def _clean_username(username: str, request: HttpRequest) -> Flow[str]:
    backend_path = yield Twin(request.session, _SESSION_GET, (auth.BACKEND_SESSION_KEY,))
    backend = auth.load_backend(backend_path)
    try:
        cleaned: str = backend.clean_username(username)  # type: ignore[attr-defined]
    except AttributeError:  # the backend has no clean_username()
        return username
    return cleaned


def _remove_invalid_user(request: HttpRequest) -> Flow[None]:
    """Log out the request's user, but only if a remote user backend logged them in."""
    backend_path = yield Twin(request.session, _SESSION_GET, (auth.BACKEND_SESSION_KEY, ""))
    try:
        stored_backend = auth.load_backend(backend_path)
    except ImportError:
        pass  # a backend that no longer loads: log out
    else:
        if not isinstance(stored_backend, RemoteUserBackend):
            return
    yield EachMode(InOrmThread(auth.logout, (request,)), Awaited(auth.alogout, (request,)))
