"""Middleware hooks that run in the handler chain's own mode: no thread hop of their own.

Django's ``MiddlewareMixin`` runs ``process_request()`` and
``process_response()`` through ``sync_to_async`` under ASGI, whether they do
I/O or not. Here each hook is a pair resolved like a family's: the class that
defines a side of it most derived wins, and the other side is derived from it.
The reference middleware define both sides (one flow, driven in either mode),
so neither hops; a subclass overriding only the sync hook gets it run in the
ORM's thread under ASGI, as Django would run it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from auth_backend_sdk.engine import DualMode, MethodPair

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

__all__ = ["PROCESS_REQUEST", "PROCESS_RESPONSE", "HooksInEitherMode"]

PROCESS_REQUEST = MethodPair("process_request", "aprocess_request")
PROCESS_RESPONSE = MethodPair("process_response", "aprocess_response")


class HooksInEitherMode(DualMode):
    """Put first in the bases of a ``MiddlewareMixin`` subclass that defines both sides."""

    __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = (PROCESS_REQUEST, PROCESS_RESPONSE)

    get_response: Any

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if hasattr(self, PROCESS_REQUEST.async_name):
            response = await getattr(self, PROCESS_REQUEST.async_name)(request)
        response = response or await self.get_response(request)
        if hasattr(self, PROCESS_RESPONSE.async_name):
            response = await getattr(self, PROCESS_RESPONSE.async_name)(request, response)
        return response  # type: ignore[no-any-return]
