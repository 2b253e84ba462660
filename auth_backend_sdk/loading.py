"""Turn ``a backend | a backend class | "a.dotted.Path"`` into a class, with clear errors."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .engine import MethodPair, lookup

__all__ = ["load_class", "require_pairs"]


def require_pairs(cls: type, pairs: Sequence[MethodPair], *, caller: str) -> None:
    """Refuse a class that defines no side of any of ``pairs``, naming ``caller``."""
    if not any(lookup(cls, name) for pair in pairs for name in pair):
        names = ", ".join(pair.sync_name for pair in pairs)
        raise TypeError(
            f"{caller}() expects an authentication backend, but "
            f"{cls.__module__}.{cls.__qualname__} defines none of: {names} "
            f"(nor their async twins)."
        )


def load_class(target: object, *, caller: str, allow_instance: bool = False) -> type:
    """The class ``target`` (a class, a dotted path, or optionally an instance) names."""
    if isinstance(target, str):
        try:
            loaded = import_string(target)
        except ImportError as exc:
            raise ImproperlyConfigured(f"{caller}() could not import {target!r}: {exc}") from exc
        if not isinstance(loaded, type):
            raise TypeError(
                f"{caller}() expects {target!r} to name a backend class, "
                f"but it names {_describe_value(loaded)}."
            )
        return loaded
    if isinstance(target, type):
        return target
    if allow_instance and not callable(target):
        return type(target)
    accepted = "a backend, a backend class" if allow_instance else "a backend class"
    raise TypeError(
        f"{caller}() expects {accepted} or its dotted import path, got {_describe_value(target)}."
    )


def _describe_value(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"
