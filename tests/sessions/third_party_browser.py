"""Django's test clients, one per mode, behind a third-party package's own session middleware.

``Browser(SYNC)`` drives ``Client`` against the sync views of
:mod:`tests.sessions.third_party_views`, ``Browser(ASYNC)`` drives ``AsyncClient``
against the async ones; both send the user agent of the :class:`Visitor` they are
given (the clients always send from 127.0.0.1).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.test import AsyncClient, Client, override_settings

from auth_backend_sdk.testing import SYNC, Mode

from .third_party_stores import ThirdPartyStore, Variant, Visitor

__all__ = ["Browser", "behind_the_packages_middleware", "user_agent_header"]

VIEWS = "tests.sessions.third_party_views"


def user_agent_header(visitor: Visitor) -> dict[str, str]:
    return {"user-agent": visitor.user_agent}


def behind_the_packages_middleware(store: ThirdPartyStore, variant: Variant) -> override_settings:
    """Settings with ``store`` (as shipped or adapted) and the package's own session middleware."""
    return override_settings(
        SESSION_ENGINE=store.engine(variant),
        MIDDLEWARE=[store.middleware, "django.contrib.auth.middleware.AuthenticationMiddleware"],
        ROOT_URLCONF=VIEWS,
    )


class Browser:
    """Django's ``Client`` in sync mode, its ``AsyncClient`` in async mode."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.client = Client() if mode is SYNC else AsyncClient()

    def post(self, page: str, data: dict[str, str], visitor: Visitor) -> HttpResponse:
        post = self.mode.run(self.client.post, self.client.post)
        response: HttpResponse = post(self.url(page), data, headers=user_agent_header(visitor))
        return response

    def get(self, page: str, visitor: Visitor) -> HttpResponse:
        get = self.mode.run(self.client.get, self.client.get)
        response: HttpResponse = get(self.url(page), headers=user_agent_header(visitor))
        return response

    def log_in(self, **credentials: str) -> bool:
        """The test client's own ``login()`` / ``alogin()``: no request, no middleware."""
        logged_in: bool = self.mode.run(self.client.login, self.client.alogin)(**credentials)
        return logged_in

    def url(self, page: str) -> str:
        """The page's sync view for a sync browser, its async view for an async one."""
        return f"/{self.mode}/{page}/"

    @property
    def session_key(self) -> str:
        return self.client.cookies[settings.SESSION_COOKIE_NAME].value
