"""Views reporting who the request's user is, around ``login()`` and ``logout()``.

Usernames are reported as ``request.user|request.auser()`` ("anonymous" for
the anonymous user), before and after the call. The sync twins (WSGI) reach
``request.auser()`` through ``async_to_sync``, as sync code calling async
helpers does.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.contrib import auth
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse


def name(user: Any) -> str:
    return user.get_username() or "anonymous"


def unwrapped(user: Any) -> Any:
    """The user behind ``request.user``'s lazy object, once it was loaded."""
    return getattr(user, "_wrapped", user)


def sync_auser(request: HttpRequest) -> Any:
    return async_to_sync(request.auser)()


# -- sync --------------------------------------------------------------------------------


def whoami(request: HttpRequest) -> HttpResponse:
    """``request.user`` first, then ``request.auser()``; and whether they are one object."""
    user_name = name(request.user)
    auser = sync_auser(request)
    return HttpResponse(f"{user_name}|{name(auser)} same={unwrapped(request.user) is auser}")


def me(request: HttpRequest) -> HttpResponse:
    return HttpResponse(name(request.user))


def login(request: HttpRequest) -> HttpResponse:
    """Log in the user named by ``?as=``, after ``request.auser()`` answered."""
    before = name(sync_auser(request))
    auth.login(request, User.objects.get(username=request.GET["as"]))
    return HttpResponse(f"{before} -> {name(request.user)}|{name(sync_auser(request))}")


def logout(request: HttpRequest) -> HttpResponse:
    """Log out, after ``request.auser()`` answered."""
    before = name(sync_auser(request))
    auth.logout(request)
    return HttpResponse(f"{before} -> {name(request.user)}|{name(sync_auser(request))}")


# -- async -------------------------------------------------------------------------------


async def awhoami(request: HttpRequest) -> HttpResponse:
    """``request.auser()`` first, then ``request.user``; and whether they are one object."""
    auser = await request.auser()
    user_name = name(request.user)
    return HttpResponse(f"{user_name}|{name(auser)} same={unwrapped(request.user) is auser}")


async def ame(request: HttpRequest) -> HttpResponse:
    return HttpResponse(name(await request.auser()))


async def alogin(request: HttpRequest) -> HttpResponse:
    """See login()."""
    before = name(await request.auser())
    await auth.alogin(request, await User.objects.aget(username=request.GET["as"]))
    return HttpResponse(f"{before} -> {name(request.user)}|{name(await request.auser())}")


async def alogout(request: HttpRequest) -> HttpResponse:
    """See logout()."""
    before = name(await request.auser())
    await auth.alogout(request)
    return HttpResponse(f"{before} -> {name(request.user)}|{name(await request.auser())}")
