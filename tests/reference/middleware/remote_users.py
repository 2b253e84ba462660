"""Subclasses of the remote user middleware, as projects write them: each twice.

Each is written on the reference middleware and on Django's, to compare what
the same override does under each. Use by dotted path in ``MIDDLEWARE``.
"""

from __future__ import annotations

from django.contrib.auth import middleware as django_middleware
from django.contrib.auth.models import User
from django.http import HttpRequest

from reference_backends import middleware

BLOCKED = "mallory"
_SERVER_KEYS = ("REMOTE_USER", "HTTP_REMOTE_USER")  # the web server's name, WSGI and ASGI


def drop_blocked_name(request: HttpRequest) -> None:
    """Forget the name the web server passed if it is blocked: nobody is logged in."""
    for key in _SERVER_KEYS:
        if request.META.get(key) == BLOCKED:
            del request.META[key]


def existing_spelling(username: str) -> str:
    """The username as an existing user spells it, matched without case: a query."""
    existing = User.objects.filter(username__iexact=username).values_list("username", flat=True)
    return existing.first() or username


class BlockingMiddleware(middleware.RemoteUserMiddleware):
    """Overrides only the sync ``process_request()``."""

    def process_request(self, request: HttpRequest) -> None:
        drop_blocked_name(request)
        super().process_request(request)


class DjangoBlockingMiddleware(django_middleware.RemoteUserMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        drop_blocked_name(request)
        super().process_request(request)


class CaseInsensitiveMiddleware(middleware.RemoteUserMiddleware):
    """Overrides only the sync ``clean_username()``, with a query."""

    def clean_username(self, username: str, request: HttpRequest) -> str:
        return existing_spelling(super().clean_username(username, request))


class DjangoCaseInsensitiveMiddleware(django_middleware.RemoteUserMiddleware):
    def clean_username(self, username: str, request: HttpRequest) -> str:
        return existing_spelling(super().clean_username(username, request))


class AuthUserHeaderMiddleware(middleware.RemoteUserMiddleware):
    """The name comes in an ``AuthUser`` request header (``request.META`` key)."""

    header = "HTTP_AUTHUSER"


class DjangoAuthUserHeaderMiddleware(django_middleware.RemoteUserMiddleware):
    header = "HTTP_AUTHUSER"
