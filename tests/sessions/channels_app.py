"""The ASGI application that drives the third-party stores through Channels.

Channels' ``AuthMiddlewareStack`` (cookies, Channels' own ``SessionMiddleware``,
the user) around one ``AsyncHttpConsumer``: ``POST /login/`` with a username and
password logs the user in with Channels' ``login()``; Channels then saves the
session as the response starts, with ``await session.asave()`` since Django 5.1
(``channels/sessions.py``, ``InstanceSessionWrapper.save_session``), and sets
the session cookie. Channels builds the store as ``SessionStore(session_key)``:
a store that records the client's IP and user agent gets neither.
"""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack, login  # type: ignore[import-untyped]
from channels.generic.http import AsyncHttpConsumer  # type: ignore[import-untyped]
from channels.routing import URLRouter  # type: ignore[import-untyped]
from django.contrib.auth import aauthenticate
from django.http import QueryDict
from django.urls import path

__all__ = ["LOGIN_PATH", "application", "channels_login"]

LOGIN_PATH = "/login/"

channels_login: Any = login
"""Channels' ``login(scope, user)``: sync code run in a thread, which sets the session's keys."""


class LoginConsumer(AsyncHttpConsumer):  # type: ignore[misc]
    """A password login; the response carries the session cookie."""

    async def handle(self, body: bytes) -> None:
        form = QueryDict(body)
        user = await aauthenticate(username=form.get("username"), password=form.get("password"))
        if user is None:
            await self.send_response(401, b"")
            return
        await login(self.scope, user)
        await self.send_response(200, user.get_username().encode())


application: Any = AuthMiddlewareStack(
    URLRouter([path(LOGIN_PATH.lstrip("/"), LoginConsumer.as_asgi())])
)
