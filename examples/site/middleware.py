"""Single sign-on by a front proxy, trusted on the logon URL only.

``SingleSignOnMiddleware`` is the site's, on the reference stack;
``DjangoSingleSignOnMiddleware`` the same on Django's middleware, for
``SITE_STACK=django`` (see ``settings.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import middleware as django_middleware
from django.http import HttpRequest

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
