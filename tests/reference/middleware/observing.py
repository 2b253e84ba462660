"""What a response tells the browser, with the parts that differ between runs masked.

Two sessions never share a key, and a cookie's ``expires`` date follows the
clock: the key becomes ``<key>`` (or ``""`` when the cookie is deleted) and
the date ``<date>`` (or the epoch, Django's way of deleting a cookie). Every
other header and cookie attribute is kept as sent.
"""

from __future__ import annotations

import re
from http.cookies import Morsel
from typing import Any

from django.conf import settings

__all__ = ["observed", "summary"]

_EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"


def observed(response: Any) -> dict[str, Any]:
    """Status, body, headers and the session cookie of ``response``, comparable across runs."""
    morsel = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return {
        "status": response.status_code,
        "content": response.content.decode(),
        "headers": dict(response.headers),
        "session cookie": None if morsel is None else _cookie(morsel),
        "other cookies": sorted(k for k in response.cookies if k != settings.SESSION_COOKIE_NAME),
    }


def _cookie(morsel: Morsel[str]) -> dict[str, str]:
    attributes = {key: str(value) for key, value in morsel.items() if value}
    if "expires" in attributes and attributes["expires"] != _EPOCH:
        attributes["expires"] = "<date>"
    attributes["value"] = "<key>" if morsel.value else ""
    return attributes


def summary(seen: dict[str, Any]) -> str:
    """``status body Vary cookie`` of an :func:`observed` response, for stating what is expected.

    An HTML page is shown by its title. The cookie is ``-`` (none sent),
    ``deleted``, ``kept`` (set with a max-age) or ``browser-length`` (set
    without max-age nor expires).
    """
    cookie = seen["session cookie"]
    if cookie is None:
        sent = "-"
    elif not cookie["value"]:
        sent = "deleted"
    else:
        sent = "kept" if "max-age" in cookie else "browser-length"
    page = re.search(r"<title>(.*)</title>", seen["content"])  # Django's error pages
    body = page.group(1) if page else seen["content"]
    return f"{seen['status']} {body} {seen['headers'].get('Vary', '-')} {sent}"
