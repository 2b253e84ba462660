"""Which store a session store extends, and the key salt each signs sessions with.

``SessionBase.key_salt`` is ``"django.contrib.sessions."`` and the class's
``__qualname__``: a store renamed from the one it extends cannot read the
sessions that one signed. The system check W105 warns of it; the contract's
``sessions_of_the_extended_store_stay_readable`` proves it on real sessions.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from .family import DJANGO_SESSION_MODULES

__all__ = [
    "DJANGO_KEY_SALT_PREFIX",
    "KEY_SALT_UNUSED",
    "LEFT_TO_STORES",
    "extended_store",
    "follows_djangos_rule",
    "ignores_key_salt",
    "is_complete",
    "key_salt",
]

LEFT_TO_STORES = ("exists", "create", "save", "delete", "load")
"""The methods ``SessionBase`` leaves to each store (it raises ``NotImplementedError``):
a class resolving all of them below ``SessionBase`` is a complete store."""

DJANGO_KEY_SALT_PREFIX = "django.contrib.sessions."
"""``SessionBase.key_salt`` is this prefix and the store class's ``__qualname__``."""

KEY_SALT_UNUSED = frozenset(
    {
        # Keeps each session dictionary in the cache as it is.
        "django.contrib.sessions.backends.cache",
        # Signs its cookies with a fixed salt of its own.
        "django.contrib.sessions.backends.signed_cookies",
    }
)
"""The modules of Django's stores that never sign a session with ``key_salt``."""


def extended_store(store: type, salt: str | None) -> type | None:
    """The store ``store`` extends: the nearest complete store among its bases.

    A base of the same name and salt is the same store as far as signing goes (the
    class ``dual_mode()`` wrapped, or a subclass keeping the name): the store extended
    is the one that base extends.
    """
    for klass in store.__mro__[1:]:
        if klass is SessionBase or not issubclass(klass, SessionBase) or not is_complete(klass):
            continue
        if klass.__qualname__ == store.__qualname__ and key_salt(klass) == salt:
            continue
        return klass
    return None


def is_complete(klass: type) -> bool:
    return all(_owner(klass, name) is not SessionBase for name in LEFT_TO_STORES)


def _owner(klass: type, name: str) -> type | None:
    return next((k for k in klass.__mro__ if name in vars(k)), None)


def ignores_key_salt(store: type) -> bool:
    """Whether the Django store ``store`` builds on never signs with ``key_salt``."""
    for klass in store.__mro__:
        if klass.__module__ in DJANGO_SESSION_MODULES and klass is not SessionBase:
            return klass.__module__ in KEY_SALT_UNUSED
    return False


def follows_djangos_rule(cls: type) -> bool:
    """Whether ``cls`` gets its salt from ``SessionBase.key_salt`` (prefix and class name).

    Only such a salt may be shown: one of a store's own may be built from a secret.
    """
    owner = _owner(cls, "key_salt")
    return owner is not None and vars(owner)["key_salt"] is vars(SessionBase)["key_salt"]


def key_salt(cls: type) -> str | None:
    """The salt instances of ``cls`` sign sessions with; ``None`` if that cannot be told."""
    owner = _owner(cls, "key_salt")
    if owner is None:
        return None
    value = vars(owner)["key_salt"]
    if value is vars(SessionBase)["key_salt"]:
        return DJANGO_KEY_SALT_PREFIX + cls.__qualname__
    if isinstance(value, str):
        return value
    get = getattr(value, "__get__", None)
    if get is None:
        return None
    try:
        # A key_salt of the store's own (a property): read on an instance whose
        # __init__ never ran, so that nothing is loaded or connected.
        salt = get(object.__new__(cls), cls)
    except Exception:
        return None
    return salt if isinstance(salt, str) else None
