"""Each view's sync twin under ``sync/`` (for WSGI), its async twin under ``async/`` (ASGI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

from . import auth_views, session_views

TWINS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "untouched": (session_views.untouched, session_views.auntouched),
    "read": (session_views.read, session_views.aread),
    "write": (session_views.write, session_views.awrite),
    "flush": (session_views.flush, session_views.aflush),
    "clear": (session_views.clear, session_views.aclear),
    "fail": (session_views.fail, session_views.afail),
    "expire-at-browser-close": (
        session_views.expire_at_browser_close,
        session_views.aexpire_at_browser_close,
    ),
    "deleted-meanwhile": (session_views.deleted_meanwhile, session_views.adeleted_meanwhile),
    "whoami": (auth_views.whoami, auth_views.awhoami),
    "me": (auth_views.me, auth_views.ame),
    "login": (auth_views.login, auth_views.alogin),
    "logout": (auth_views.logout, auth_views.alogout),
}

urlpatterns: list[URLPattern] = [
    pattern
    for route, (sync_view, async_view) in TWINS.items()
    for pattern in (path(f"sync/{route}/", sync_view), path(f"async/{route}/", async_view))
]
