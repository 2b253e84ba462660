"""Views a request through the session and auth middleware may reach, one per scenario."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


async def read_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(await request.session.aget("visits", 0)))


async def read_write(request: HttpRequest) -> HttpResponse:
    visits = await request.session.aget("visits", 0) + 1
    await request.session.aset("visits", visits)
    return HttpResponse(str(visits))


async def authenticated(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    allowed = await user.ahas_perm("auth.view_user")
    return HttpResponse(f"{user.get_username()} {allowed}")


async def trivial(request: HttpRequest) -> HttpResponse:
    """Touches neither the session nor the user: the baseline a request costs without them."""
    return HttpResponse("ok")


urlpatterns = [
    path("read-only/", read_only),
    path("read-write/", read_write),
    path("authenticated/", authenticated),
    path("trivial/", trivial),
]
