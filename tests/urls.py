"""Views that report who Django thinks the request's user is, sync and async."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def whoami(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.user.get_username() or "anonymous")


async def awhoami(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    return HttpResponse(user.get_username() or "anonymous")


urlpatterns = [path("whoami/", whoami), path("awhoami/", awhoami)]
