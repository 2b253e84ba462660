"""A browser for the tests: one test client, its cookies kept, over WSGI or ASGI.

Each scenario is written once and runs over both transports: WSGI with
Django's ``Client`` and the sync twin of each view, ASGI with Django's
``AsyncClient`` and the async twin (the views live under ``sync/`` and
``async/``). ASGI requests are awaited through ``async_to_sync`` from the
sync test, so the event loop runs in another thread (views meet the loop's
rules: the sync ORM raises there) while the ORM's thread-sensitive work comes
back to the test's thread and stays inside its transaction.
"""

from __future__ import annotations

import enum
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import AsyncClient, Client

__all__ = ["ASGI", "WSGI", "Browser", "Transport"]


class Transport(enum.Enum):
    """How a request reaches the handler, and which twin of each view answers."""

    WSGI = "sync"
    ASGI = "async"

    @property
    def views(self) -> str:
        """The URL prefix of the views written for this transport's mode."""
        return f"/{self.value}/"


WSGI = Transport.WSGI
ASGI = Transport.ASGI


class Browser:
    """One client with its cookie jar; ``get()`` is sync whatever the transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.client: Client | AsyncClient = Client() if transport is WSGI else AsyncClient()

    def get(
        self,
        view: str,
        query: dict[str, str] | None = None,
        *,
        remote_user: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """GET ``view`` (a view's route below the transport's views, or an absolute path).

        ``remote_user`` is what a web server passes: the ``REMOTE_USER``
        environ variable under WSGI, the ``Remote-User`` header under ASGI.
        """
        path = view if view.startswith("/") else f"{self.transport.views}{view}/"
        extra: dict[str, Any] = {}
        all_headers = dict(headers or {})
        if remote_user is not None:
            if self.transport is WSGI:
                extra["REMOTE_USER"] = remote_user
            else:
                all_headers["Remote-User"] = remote_user
        if isinstance(self.client, AsyncClient):
            return async_to_sync(self.client.get)(path, query, headers=all_headers, **extra)
        return self.client.get(path, query, headers=all_headers, **extra)

    def force_login(self, user: User) -> None:
        """Start a logged-in session in the current ``SESSION_ENGINE``, as the client does."""
        self.client.force_login(user)
