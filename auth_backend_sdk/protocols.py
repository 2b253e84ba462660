"""Typing Protocols for authentication backends: the public path of :mod:`.auth.protocols`."""

from .auth.protocols import *  # noqa: F403
from .auth.protocols import __all__ as __all__
