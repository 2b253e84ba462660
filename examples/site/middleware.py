"""Single sign-on by a front proxy, trusted on the logon URL only.

``SingleSignOnMiddleware`` is the site's, on the reference stack;
``DjangoSingleSignOnMiddleware`` the same on Django's middleware, for
``SITE_STACK=django`` (see ``settings.py``). ``served_by`` names the process
that served a response, for the tests of several workers.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

from asgiref.sync import iscoroutinefunction
from django.contrib.auth import middleware as django_middleware
from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from reference_backends.middleware import PersistentRemoteUserMiddleware

if TYPE_CHECKING:
    _RemoteUserMiddleware = django_middleware.RemoteUserMiddleware
else:
    _RemoteUserMiddleware = object


class OnLogonPathOnly(_RemoteUserMiddleware):
    """Runs a remote user middleware's ``process_request`` under ``path_prefix`` only.

    Elsewhere the header is ignored (a client could send it), and the session
    keeps the user logged in. Both sides are overridden, so that neither mode
    runs the other's in a thread.
    """

    path_prefix = "/sso/"

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(self.path_prefix):
            super().process_request(request)

    async def aprocess_request(self, request: HttpRequest) -> None:
        if request.path.startswith(self.path_prefix):
            await super().aprocess_request(request)


class SingleSignOnMiddleware(OnLogonPathOnly, PersistentRemoteUserMiddleware):
    """Log in the user named by the proxy's ``Remote-User`` header, under ``/sso/`` only.

    The reference middleware reads the default header from the
    ``Remote-User`` request header under ASGI (``HTTP_REMOTE_USER``) on
    Django 5.2 and 6.1 alike, and ``await request.auser()`` in the view
    answers the user it logged in.
    """


class DjangoSingleSignOnMiddleware(
    OnLogonPathOnly, django_middleware.PersistentRemoteUserMiddleware
):
    """``SingleSignOnMiddleware`` on Django's ``PersistentRemoteUserMiddleware``.

    Under ASGI, Django 5.2 and 6.1 both read the default header from
    ``request.META["HTTP_REMOTE_USER"]``; a custom ``header`` would be read
    differently by the two versions' async paths.
    """

    async def aprocess_request(self, request: HttpRequest) -> None:
        await super().aprocess_request(request)
        # Django 5.2's alogin() leaves request.auser() answering the anonymous user it
        # loaded before: forget it, so that the view loads the user just logged in.
        request.__dict__.pop("_acached_user", None)


@sync_and_async_middleware
def served_by(
    get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]],
) -> Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]:
    """Names the process that served each response (``X-Served-By``), for the tests of
    several workers; installed only with ``SITE_SERVED_BY=1``."""
    pid = str(os.getpid())
    if iscoroutinefunction(get_response):
        async_get_response = cast(
            Callable[[HttpRequest], Awaitable[HttpResponseBase]], get_response
        )

        async def serve_async(request: HttpRequest) -> HttpResponseBase:
            response = await async_get_response(request)
            response["X-Served-By"] = pid
            return response

        return serve_async

    def serve(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        assert isinstance(response, HttpResponseBase)
        response["X-Served-By"] = pid
        return response

    return serve
