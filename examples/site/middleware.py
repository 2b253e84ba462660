"""Single sign-on by a front proxy, trusted on the logon URL only."""

from __future__ import annotations

from django.contrib.auth.middleware import PersistentRemoteUserMiddleware
from django.http import HttpRequest


class SingleSignOnMiddleware(PersistentRemoteUserMiddleware):
    """Log in the user named by the proxy's ``Remote-User`` header, under ``/sso/`` only.

    Elsewhere the header is ignored (a client could send it), and the session
    keeps the user logged in. Under ASGI, Django 5.2 and 6.1 both read the
    default header from ``request.META["HTTP_REMOTE_USER"]``, i.e. the
    ``Remote-User`` request header; a custom ``header`` would be read
    differently by the two versions' async paths.
    """

    path_prefix = "/sso/"

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(self.path_prefix):
            super().process_request(request)

    async def aprocess_request(self, request: HttpRequest) -> None:
        if request.path.startswith(self.path_prefix):
            await super().aprocess_request(request)
