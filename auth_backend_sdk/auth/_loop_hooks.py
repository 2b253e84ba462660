"""The overridable sync hooks Django's own async backend methods call on the event loop.

Django's ``ModelBackend.aauthenticate()`` awaits the database and the hasher,
but calls ``self.user_can_authenticate(user)`` directly, on the event loop. A
subclass that overrides such a hook with a database query gets
``SynchronousOnlyOperation`` from every async call, and the dual-mode engine
cannot help: Django's async method is native, so it stays in use.

``DJANGO_HOOKS_ON_THE_LOOP`` is read off Django 5.2 and 6.1 (the same on
both); ``tests/auth/test_system_checks_loop_hooks.py`` reproduces each entry on the
installed release, so a release that changes them fails the tests. Left out:
``configure_user`` (``aconfigure_user`` hands it to a thread) and
``_get_user_permissions``/``_get_group_permissions``, which ``_aget_permissions``
calls on the loop but expects to return a lazy queryset it evaluates
asynchronously, as Django's own and most overrides do.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass

from ..engine._derivation import derivation_of
from ..engine._resolution import lookup
from .family import DJANGO_BACKENDS_MODULE

__all__ = ["DJANGO_HOOKS_ON_THE_LOOP", "OFF_THE_LOOP", "HookOnTheLoop", "hooks_on_the_loop"]

DJANGO_HOOKS_ON_THE_LOOP: dict[tuple[str, str], tuple[str, ...]] = {
    ("ModelBackend", "aauthenticate"): ("user_can_authenticate",),
    ("ModelBackend", "aget_user"): ("user_can_authenticate",),
    ("RemoteUserBackend", "aauthenticate"): ("clean_username", "user_can_authenticate"),
}
"""``(Django class, async method)``: the sync hooks it calls on ``self`` on the event loop."""

OFF_THE_LOOP = "runs_hooks_off_the_loop"
"""A class attribute: True where the class's own async methods run these hooks in a thread.

The reference backends set it; so may any backend whose async side calls the
hooks through ``sync_to_async``.
"""


@dataclass(frozen=True)
class HookOnTheLoop:
    """A sync hook overridden outside Django that Django's async methods call on the loop."""

    name: str
    """The hook, such as ``"user_can_authenticate"``."""
    defined_in: type
    """The class whose override runs on the loop."""
    reached_from: tuple[str, ...]
    """The async methods that reach the call, such as ``("aauthenticate", "aget_user")``."""


def hooks_on_the_loop(backend: type) -> list[HookOnTheLoop]:
    """The overridden hooks of ``backend`` that Django's async methods run on the loop.

    An async method reaches Django's definition when it is Django's, or when
    a class of the project defines it natively (a wrapper calling ``super()``
    is assumed), unless that class says the hooks run off the loop
    (:data:`OFF_THE_LOOP`). A side the engine derives runs the sync method in
    a thread, and reaches nothing on the loop.
    """
    reached: dict[str, tuple[type, list[str]]] = {}
    for entry, hooks in _django_entries(backend):
        for hook in hooks:
            found = lookup(backend, hook)
            if found is not None and _overridden_sync(*found):
                reached.setdefault(hook, (found[0], []))[1].append(entry)
    return [
        HookOnTheLoop(hook, owner, tuple(entries)) for hook, (owner, entries) in reached.items()
    ]


def _django_entries(backend: type) -> Iterator[tuple[str, tuple[str, ...]]]:
    """``(async method, hooks)`` for each async method of ``backend`` reaching Django's."""
    entries = {entry for _, entry in DJANGO_HOOKS_ON_THE_LOOP}
    for entry in sorted(entries):
        resolved = lookup(backend, entry)
        django_definer = next(
            (
                klass
                for klass in backend.__mro__
                if klass.__module__ == DJANGO_BACKENDS_MODULE and entry in klass.__dict__
            ),
            None,
        )
        if resolved is None or django_definer is None:
            continue
        owner, value = resolved
        if owner is not django_definer and (
            derivation_of(value) is not None or getattr(owner, OFF_THE_LOOP, False)
        ):
            continue
        hooks = DJANGO_HOOKS_ON_THE_LOOP.get((django_definer.__name__, entry), ())
        if hooks:
            yield entry, hooks


def _overridden_sync(owner: type, value: object) -> bool:
    # An async def hook is another hazard (its coroutine is truthy): not this one.
    return owner.__module__ != DJANGO_BACKENDS_MODULE and not inspect.iscoroutinefunction(value)
