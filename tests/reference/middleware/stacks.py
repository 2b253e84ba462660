"""The middleware stacks compared: Django's, and the reference middleware with either engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import django
import pytest
from django.test import override_settings

__all__ = [
    "DJANGO",
    "DJANGO_LINE",
    "ENGINES",
    "REFERENCE",
    "Middleware",
    "Stack",
    "django_engine",
    "per_line",
    "reference_engine",
]

_T = TypeVar("_T")

DJANGO_LINE = django.VERSION[:2]
"""The Django line under test: the hazards reproduced differ between 5.2 and 6.1."""


def per_line(django_5_2: _T, django_6_1: _T) -> _T:
    """What Django's own middleware does on the line under test; other lines are not checked."""
    if DJANGO_LINE == (5, 2):
        return django_5_2
    if DJANGO_LINE == (6, 1):
        return django_6_1
    pytest.skip(f"Django's behaviour on {django.get_version()} is not stated here")


ENGINES = ("db", "cache", "cached_db", "signed_cookies")


def django_engine(name: str) -> str:
    return f"django.contrib.sessions.backends.{name}"


def reference_engine(name: str) -> str:
    return f"reference_backends.sessions.{name}"


@dataclass(frozen=True)
class Middleware:
    """The dotted paths of one family's middleware, and of its ``ModelBackend``."""

    session: str
    authentication: str
    remote_user: str
    persistent_remote_user: str
    model_backend: str


DJANGO = Middleware(
    session="django.contrib.sessions.middleware.SessionMiddleware",
    authentication="django.contrib.auth.middleware.AuthenticationMiddleware",
    remote_user="django.contrib.auth.middleware.RemoteUserMiddleware",
    persistent_remote_user="django.contrib.auth.middleware.PersistentRemoteUserMiddleware",
    model_backend="django.contrib.auth.backends.ModelBackend",
)
REFERENCE = Middleware(
    session="reference_backends.middleware.SessionMiddleware",
    authentication="reference_backends.middleware.AuthenticationMiddleware",
    remote_user="reference_backends.middleware.RemoteUserMiddleware",
    persistent_remote_user="reference_backends.middleware.PersistentRemoteUserMiddleware",
    model_backend="reference_backends.ModelBackend",
)


@dataclass(frozen=True)
class Stack:
    """One family's session and auth middleware (and ``ModelBackend``), with an engine.

    ``extra_middleware`` come after them (a remote user middleware).
    """

    middleware: Middleware
    engine: str
    extra_middleware: tuple[str, ...] = ()

    @classmethod
    def of(cls, middleware: Middleware, engine: str, *extra_middleware: str) -> Stack:
        return cls(middleware, engine, extra_middleware)

    def settings(self, **overrides: Any) -> override_settings:
        """The settings that install this stack (plus ``overrides``)."""
        values: dict[str, Any] = {
            "MIDDLEWARE": [
                self.middleware.session,
                self.middleware.authentication,
                *self.extra_middleware,
            ],
            "SESSION_ENGINE": self.engine,
            "AUTHENTICATION_BACKENDS": [self.middleware.model_backend],
            "ROOT_URLCONF": "tests.reference.middleware.urls",
        }
        values.update(overrides)
        return override_settings(**values)
