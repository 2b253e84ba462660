"""The URLconf the third-party stores are driven through with Django's test clients.

``/sync/...`` are sync views, ``/async/...`` async ones doing the same with
Django's async API: a password login (``login()`` / ``alogin()``), and a page
that reads the logged-in user (``request.user`` / ``await request.auser()``),
which loads the session.
"""

from __future__ import annotations

from django.contrib.auth import aauthenticate, alogin, authenticate, login
from django.http import HttpRequest, HttpResponse
from django.urls import path

__all__ = ["urlpatterns"]


def _credentials(request: HttpRequest) -> dict[str, str]:
    return {"username": request.POST["username"], "password": request.POST["password"]}


def log_in(request: HttpRequest) -> HttpResponse:
    user = authenticate(request, **_credentials(request))
    if user is None:
        return HttpResponse(status=401)
    login(request, user)
    return HttpResponse(user.get_username())


async def alog_in(request: HttpRequest) -> HttpResponse:
    user = await aauthenticate(request, **_credentials(request))
    if user is None:
        return HttpResponse(status=401)
    await alogin(request, user)
    return HttpResponse(user.get_username())


def who_am_i(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.user.get_username())


async def awho_am_i(request: HttpRequest) -> HttpResponse:
    return HttpResponse((await request.auser()).get_username())


urlpatterns = [
    path("sync/login/", log_in),
    path("async/login/", alog_in),
    path("sync/whoami/", who_am_i),
    path("async/whoami/", awho_am_i),
]
