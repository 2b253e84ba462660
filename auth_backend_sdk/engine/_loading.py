"""Turn ``a backend | a backend class | "a.dotted.Path"`` into a family member, or say why not."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ._family import Family, families, family_of

__all__ = ["article", "load_class", "require_family"]


def require_family(cls: type, *, caller: str, family: Family | None = None) -> Family:
    """The family of ``cls`` (``family`` if given), refusing a class that is no member of it."""
    if family is not None:
        if family.recognises(cls):
            return family
        known: tuple[Family, ...] = (family,)
    else:
        found = family_of(cls)
        if found is not None:
            return found
        known = families()
    expected = " or ".join(f"{article(f.name)} {f.name}" for f in known) or "a member of a family"
    by_pairs = [f for f in known if f.is_member is None]
    by_test = [f for f in known if f.is_member is not None]
    reasons = []
    if by_pairs:
        names = ", ".join(pair.sync_name for f in by_pairs for pair in f.pairs)
        reasons.append(f"defines none of: {names} (nor their async twins)")
    if by_test:
        names = " or ".join(f"{article(f.name)} {f.name}" for f in by_test)
        reasons.append(f"is not recognised as {names}")
    raise TypeError(
        f"{caller}() expects {expected}, but {cls.__module__}.{cls.__qualname__} "
        f"{' and '.join(reasons) or 'is none'}."
    )


def article(noun: str) -> str:
    """``"a"`` or ``"an"``, for ``noun``."""
    return "an" if noun[:1] in "aeiou" else "a"


def load_class(target: object, *, caller: str, allow_instance: bool = False) -> type:
    """The class ``target`` (a class, a dotted path, or optionally an instance) names.

    A dotted path may name a module that a family's setting names in place of a
    class (``SESSION_ENGINE = "django.contrib.sessions.backends.db"``): the
    class is then the one the family reads from it (``SessionStore``).
    """
    if isinstance(target, str):
        loaded = _import(target, caller)
        if isinstance(loaded, ModuleType):
            loaded = _class_of_module(loaded, target, caller)
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


def _import(target: str, caller: str) -> object:
    try:
        return import_string(target)
    except ImportError as exc:
        error = exc
        try:  # a module path: import_string only finds submodules already imported
            return importlib.import_module(target)
        except ImportError as module_error:
            missing = module_error.name or ""
            if missing and not (target == missing or target.startswith(f"{missing}.")):
                error = module_error  # the module exists; something it imports does not
        raise ImproperlyConfigured(f"{caller}() could not import {target!r}: {error}") from error


def _class_of_module(module: ModuleType, target: str, caller: str) -> object:
    for family in families():
        if family.module_class and isinstance(getattr(module, family.module_class, None), type):
            return getattr(module, family.module_class)
    wanted = " or ".join(
        f"{f.module_class} ({article(f.name)} {f.name})" for f in families() if f.module_class
    )
    raise TypeError(
        f"{caller}() expects {target!r} to name a class, but it names a module"
        + (f" with no class {wanted}." if wanted else ".")
    )


def _describe_value(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"
