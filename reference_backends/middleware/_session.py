"""``SessionMiddleware``: Django's, saving through ``asave()`` under ASGI, no hop of its own."""

from __future__ import annotations

import time
from importlib import import_module
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from auth_backend_sdk.engine.flow import Flow, Twin, run_async, run_sync
from auth_backend_sdk.sessions.family import SESSIONS

from ._hooks import HooksInEitherMode

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

__all__ = ["SessionMiddleware"]

_SAVE = SESSIONS.pair("save")
_GET_EXPIRE_AT_BROWSER_CLOSE = SESSIONS.pair("get_expire_at_browser_close")
_GET_EXPIRY_AGE = SESSIONS.pair("get_expiry_age")


class SessionMiddleware(HooksInEitherMode, DjangoSessionMiddleware):
    """Attaches ``request.session`` (``SESSION_ENGINE``'s store) and saves it when modified.

    Behaves as Django's in every respect (cookies, ``Vary: Cookie``, no save
    on a 5xx response, ``SessionInterrupted`` when a concurrent request
    deleted the session); under ASGI it awaits the store's async methods
    instead of running its sync ones in a thread.
    """

    SessionStore: type[SessionBase]

    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        self.SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    def process_request(self, request: HttpRequest) -> None:
        """Attach the session named by the request's cookie; nothing is loaded yet."""
        request.session = self.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))

    async def aprocess_request(self, request: HttpRequest) -> None:
        """See process_request(): no I/O, so no thread hop."""
        self.process_request(request)

    def process_response(  # type: ignore[override]
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Save the session if it was modified (or always, with ``SESSION_SAVE_EVERY_REQUEST``),
        set or delete its cookie, and vary on ``Cookie`` when it was accessed."""
        return run_sync(_respond(request, response))

    async def aprocess_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """See process_response()."""
        return await run_async(_respond(request, response))


def _respond(request: HttpRequest, response: HttpResponseBase) -> Flow[HttpResponseBase]:
    try:
        session = request.session
        accessed = session.accessed
        modified = session.modified
        empty = session.is_empty()
    except AttributeError:  # something removed or replaced request.session
        return response
    # Only an entirely empty session is deleted, with its cookie.
    if settings.SESSION_COOKIE_NAME in request.COOKIES and empty:
        response.delete_cookie(
            settings.SESSION_COOKIE_NAME,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        vary_on_cookie = True
    else:
        # An accessed session is varied on, saved or not.
        vary_on_cookie = accessed
        if (modified or settings.SESSION_SAVE_EVERY_REQUEST) and not empty:
            max_age: int | None = None
            expires: str | None = None
            if not (yield Twin(session, _GET_EXPIRE_AT_BROWSER_CLOSE)):
                max_age = yield Twin(session, _GET_EXPIRY_AGE)
                expires = http_date(time.time() + max_age)
            if response.status_code < 500:  # a failed request's changes are not kept
                try:
                    yield Twin(session, _SAVE)
                except UpdateError:
                    raise SessionInterrupted(
                        "The request's session was deleted before the request completed. "
                        "The user may have logged out in a concurrent request, for example."
                    ) from None
                response.set_cookie(
                    settings.SESSION_COOKIE_NAME,
                    cast(str, session.session_key),  # set by the save
                    max_age=max_age,
                    expires=expires,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    path=settings.SESSION_COOKIE_PATH,
                    secure=bool(settings.SESSION_COOKIE_SECURE),
                    httponly=bool(settings.SESSION_COOKIE_HTTPONLY),
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
                vary_on_cookie = True
    if vary_on_cookie:
        patch_vary_headers(response, ("Cookie",))
    return response
