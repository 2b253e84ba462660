"""Views using the session each way the response's cookie and headers depend on.

Each view has a sync twin (served under WSGI) and an async twin (under ASGI),
using the session's sync and async API respectively. A counter ``n`` in the
session is what they read and write; the response shows it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

# -- sync --------------------------------------------------------------------------------


def untouched(request: HttpRequest) -> HttpResponse:
    return HttpResponse("untouched")


def read(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(request.session.get("n", 0)))


def write(request: HttpRequest) -> HttpResponse:
    n: int = request.session.get("n", 0) + 1
    request.session["n"] = n
    return HttpResponse(str(n))


def flush(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return HttpResponse("flushed")


def clear(request: HttpRequest) -> HttpResponse:
    request.session.clear()
    return HttpResponse("cleared")


def fail(request: HttpRequest) -> HttpResponse:
    write(request)
    return HttpResponse("failed", status=500)


def expire_at_browser_close(request: HttpRequest) -> HttpResponse:
    request.session.set_expiry(0)
    return write(request)


def deleted_meanwhile(request: HttpRequest) -> HttpResponse:
    """Write to a session that a concurrent request (a logout, say) deletes meanwhile."""
    n: int = request.session.get("n", 0) + 1
    type(request.session)().delete(request.session.session_key)
    request.session["n"] = n
    return HttpResponse(str(n))


# -- async -------------------------------------------------------------------------------


async def auntouched(request: HttpRequest) -> HttpResponse:
    return HttpResponse("untouched")


async def aread(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(await request.session.aget("n", 0)))


async def awrite(request: HttpRequest) -> HttpResponse:
    n: int = await request.session.aget("n", 0) + 1
    await request.session.aset("n", n)
    return HttpResponse(str(n))


async def aflush(request: HttpRequest) -> HttpResponse:
    await request.session.aflush()
    return HttpResponse("flushed")


async def aclear(request: HttpRequest) -> HttpResponse:
    request.session.clear()  # no I/O: clear() has no async twin
    return HttpResponse("cleared")


async def afail(request: HttpRequest) -> HttpResponse:
    await awrite(request)
    return HttpResponse("failed", status=500)


async def aexpire_at_browser_close(request: HttpRequest) -> HttpResponse:
    await request.session.aset_expiry(0)
    return await awrite(request)


async def adeleted_meanwhile(request: HttpRequest) -> HttpResponse:
    """See deleted_meanwhile()."""
    n: int = await request.session.aget("n", 0) + 1
    await type(request.session)().adelete(request.session.session_key)
    await request.session.aset("n", n)
    return HttpResponse(str(n))
