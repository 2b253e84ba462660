"""Session and authentication middleware, drop-in for Django's, with no thread hop of their own.

    MIDDLEWARE = [
        ...
        "reference_backends.middleware.SessionMiddleware",
        ...
        "reference_backends.middleware.AuthenticationMiddleware",
        ...
    ]

Django's ``SessionMiddleware`` and ``AuthenticationMiddleware`` run their sync
hooks in a thread under ASGI, I/O or not (three hops for a read-only request
on db sessions, where one is the floor; two on signed cookies, where none is).
These subclasses run in whichever mode the handler chain is in, each hook
written once as a flow (:mod:`auth_backend_sdk.engine.flow`):

* :class:`SessionMiddleware` attaches the session without I/O and saves it,
  only when modified (or ``SESSION_SAVE_EVERY_REQUEST``), through ``asave()``
  under ASGI;
* :class:`AuthenticationMiddleware` gives ``request.user`` and
  ``request.auser()``, which agree with each other and stay right after
  ``login()``/``alogin()``/``logout()``/``alogout()`` on Django 5.2 too;
* :class:`RemoteUserMiddleware` and :class:`PersistentRemoteUserMiddleware`
  log in the user the web server names; the first async view sees them.

A subclass overriding a sync hook (``process_request()``,
``process_response()``, ``clean_username()``, ...) has it honoured under ASGI,
in a thread, as its async twin.

Names are imported lazily, like Django's middleware modules need the app
registry to be ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth_backend_sdk._lazy import lazy_exports

if TYPE_CHECKING:
    from ._authentication import AuthenticationMiddleware
    from ._remote_user import PersistentRemoteUserMiddleware, RemoteUserMiddleware
    from ._session import SessionMiddleware

__all__ = [
    "AuthenticationMiddleware",
    "PersistentRemoteUserMiddleware",
    "RemoteUserMiddleware",
    "SessionMiddleware",
]

_LAZY = {
    "AuthenticationMiddleware": "._authentication",
    "PersistentRemoteUserMiddleware": "._remote_user",
    "RemoteUserMiddleware": "._remote_user",
    "SessionMiddleware": "._session",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
