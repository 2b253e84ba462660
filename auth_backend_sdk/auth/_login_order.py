"""Which logins reach a backend before any other backend can answer them.

``authenticate()`` and ``aauthenticate()`` try ``AUTHENTICATION_BACKENDS`` in
order and skip every backend whose ``authenticate`` signature does not bind
the credentials given (Django's ``_get_compatible_backends()``); a backend
that returns None passes the login on to the next. A login therefore reaches
a backend unless an earlier one can answer it: takes it, and names at least
one of its credentials. ``ModelBackend`` takes a login by ``token`` (its
``**kwargs`` bind anything) but names neither, so it passes it on.

The logins considered are the credentials each listed backend's
``authenticate`` names (``username`` and ``password`` for ``ModelBackend``,
``remote_user`` for ``RemoteUserBackend``).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence

__all__ = ["Credentials", "can_answer", "logins_reaching_first", "named_credentials", "takes"]

Credentials = tuple[str, ...]
"""The names of the credentials of one kind of login, such as ``("username", "password")``."""

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def named_credentials(backend: type) -> Credentials:
    """The credentials ``backend.authenticate`` names; ``()`` if it takes ``**kwargs`` only."""
    signature = _authenticate_signature(backend)
    if signature is None:
        return ()
    parameters = list(signature.parameters.values())
    if not parameters or parameters[0].kind not in _NAMED:
        return ()  # (*args, **kwargs): no name to go by
    return tuple(p.name for p in parameters[1:] if p.kind in _NAMED)


def takes(backend: type, credentials: Credentials) -> bool:
    """Whether Django tries ``backend`` for a login with these credentials."""
    signature = _authenticate_signature(backend)
    if signature is None:
        return False
    try:
        signature.bind(None, **dict.fromkeys(credentials))
    except TypeError:
        return False
    return True


def can_answer(backend: type, credentials: Credentials) -> bool:
    """Whether ``backend`` takes these credentials and names one of them: it may log in."""
    return takes(backend, credentials) and not set(credentials).isdisjoint(
        named_credentials(backend)
    )


def logins_reaching_first(
    backend: type, earlier: Sequence[type], logins: Iterable[Credentials]
) -> list[Credentials]:
    """The ``logins`` that ``backend`` takes and that no backend in ``earlier`` can answer."""
    return [
        credentials
        for credentials in dict.fromkeys(logins)
        if credentials
        and takes(backend, credentials)
        and not any(can_answer(other, credentials) for other in earlier)
    ]


def _authenticate_signature(backend: type) -> inspect.Signature | None:
    """``authenticate``'s signature as Django sees it on an instance: without ``self``."""
    method = getattr(backend, "authenticate", None)
    if method is None:
        return None
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):
        return None
    if isinstance(inspect.getattr_static(backend, "authenticate"), (staticmethod, classmethod)):
        return signature
    return signature.replace(parameters=list(signature.parameters.values())[1:])
