"""Turn ``a backend | a backend class | "a.dotted.Path"`` into a class, with clear errors."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

__all__ = ["load_backend_class"]


def load_backend_class(target: object, *, caller: str, allow_instance: bool = False) -> type:
    """The class ``target`` names; ``caller`` is the function named in errors."""
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
