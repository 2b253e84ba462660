"""Every scenario here runs over WSGI (sync views) and ASGI (async views)."""

from __future__ import annotations

import pytest

from .browsing import ASGI, WSGI, Transport


@pytest.fixture(params=[WSGI, ASGI], ids=["wsgi", "asgi"])
def transport(request: pytest.FixtureRequest) -> Transport:
    transport: Transport = request.param
    return transport
