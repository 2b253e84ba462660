"""``DualModeMixin``: the engine applied to Django's authentication backend pairs."""

from __future__ import annotations

from typing import ClassVar

from ..engine import DualMode, Family
from .family import AUTHENTICATION

__all__ = ["DualModeMixin"]


class DualModeMixin(DualMode):
    """Make an authentication backend correct in both sync and async mode.

    Put it first in the bases of a backend class. For each pair
    (``authenticate``/``aauthenticate``, ``get_user``/``aget_user``,
    ``has_perm``/``ahas_perm``, ...) the most-derived definition in the MRO
    wins and the other side is derived from it, once, when the class is
    created::

        class LockoutBackend(DualModeMixin, ModelBackend):
            def authenticate(self, request, username=None, password=None, **kwargs):
                if is_locked_out(username):
                    raise PermissionDenied
                return super().authenticate(request, username, password, **kwargs)

    ``await backend.aauthenticate(...)`` now runs this ``authenticate`` in a
    thread, instead of Django's ``ModelBackend.aauthenticate``, which knows
    nothing of the lockout.
    """

    __dual_mode_family__: ClassVar[Family | None] = AUTHENTICATION
