"""Write a method once, as a flow; run it in either mode.

A flow is a generator that does no I/O itself. It *yields* what it needs done
(an ORM call, a password hash, a call to an overridable twin method) and is
sent the result back (or, when the effect raises an exception, has it
raised at the ``yield``, so a flow handles errors with ``try``/``except``
as plain code does). Two small drivers run the same flow:

* :func:`run_sync` performs each effect inline, in the caller's thread;
* :func:`run_async` sends ORM work to asgiref's thread-sensitive executor
  (a few at a time, see :func:`orm_concurrency`), hashing to a dedicated
  pool, and awaits async twins and coroutines.

So each decision (who may log in, which permissions count, what is cached)
has one source of truth, and the thread hops an async call costs are exactly
the effects its flow yields: the flows are written to yield as few as the
sync ORM allows (one per database round trip, one per hash).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import sys
import threading
import weakref
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings

from ._family import MethodPair

__all__ = [
    "Awaited",
    "EachMode",
    "Flow",
    "InHashingPool",
    "InOrmThread",
    "Twin",
    "hashing_pool",
    "run_async",
    "run_sync",
]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class InOrmThread:
    """Run ``fn(*args)`` where Django's ORM runs: inline, or on the thread-sensitive executor."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class InHashingPool:
    """Run ``fn(*args)`` (CPU-bound, no ORM): inline, or in the hashing pool."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Twin:
    """Call the sync side of ``pair`` on ``obj``, or await its async side.

    Used where Django's own code calls an overridable method through
    ``self``: an override of either side (the other derived by the engine)
    is honoured in both modes.
    """

    obj: object
    pair: MethodPair
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Awaited:
    """Await ``fn(*args)``, a coroutine function: on the loop, or through ``async_to_sync``.

    For code that exists only as ``async def`` (an async-only override).
    """

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class EachMode:
    """Perform ``sync`` when the flow runs in sync mode and ``async_`` in async mode.

    For a class that defines both sides of a pair itself: each mode gets its own.
    """

    sync: InOrmThread | InHashingPool | Awaited
    async_: InOrmThread | InHashingPool | Awaited


Effect = InOrmThread | InHashingPool | Twin | Awaited | EachMode
Flow = Generator[Effect, Any, _T]

_HASHING_NICENESS = 10
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_orm_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _usable_cores() -> int:
    """Cores this process may run on (container CPU sets included), at least 1."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Set while a thread runs an ORM step: user code inside it (an overridden hook)
# may call back into async code of these backends through async_to_sync, and
# must not wait for a slot that its own step is holding.
_inside_orm_step: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reference_backends_inside_orm_step", default=False
)


def orm_concurrency() -> int:
    """How many ORM steps of flows may run at once per event loop.

    Each request under ASGI has its own sync thread, and opening its database
    connection and building its queries is Python work that holds the GIL.
    Dozens of such threads at once starve the event loop's thread (32
    concurrent logins stalled the loop for about 70 ms here); admitting one
    per core keeps it responsive and, with less contention, is no slower
    (two per core measured 20-30 ms stalls in bench/logins.py).
    Set ``REFERENCE_BACKENDS_ORM_CONCURRENCY`` to change it (named for the
    reference implementations, the flows' users).
    """
    configured = getattr(settings, "REFERENCE_BACKENDS_ORM_CONCURRENCY", None)
    return int(configured) if configured else _usable_cores()


def _orm_slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _orm_slots.get(loop)
    if slots is None:
        slots = _orm_slots[loop] = asyncio.Semaphore(orm_concurrency())
    return slots


def hashing_pool() -> ThreadPoolExecutor:
    """One thread per core for password hashing, apart from the ORM's executor.

    ``hashlib.pbkdf2_hmac`` releases the GIL, so these threads hash in parallel;
    they never queue behind database work, and database work never waits for
    a free hashing thread.
    """
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(
                    max_workers=_usable_cores(),
                    thread_name_prefix="auth-hashing",
                    initializer=_lower_priority,
                )
    return _pool


def _lower_priority() -> None:
    """Let the event loop and ORM threads run first; hashing takes the idle CPU.

    The pool keeps every core busy while logins queue up. At normal priority
    the event loop's thread would then wait for the OS to preempt a hashing
    thread each time it wakes; at a higher nice value it is scheduled at once.
    Linux applies ``setpriority`` to the calling thread; elsewhere this is a no-op.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _HASHING_NICENESS)


def _forget_after_fork() -> None:
    """A forked child (gunicorn --preload, Celery prefork) has none of the parent's threads."""
    global _pool
    _pool = None
    _orm_slots.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def _perform_sync(effect: Effect) -> Any:
    if isinstance(effect, EachMode):
        effect = effect.sync
    if isinstance(effect, Twin):
        return getattr(effect.obj, effect.pair.sync_name)(*effect.args, **effect.kwargs)
    if isinstance(effect, Awaited):
        return async_to_sync(effect.fn)(*effect.args)
    return effect.fn(*effect.args)


def run_sync(flow: Flow[_T]) -> _T:
    """Run ``flow`` in the calling thread."""
    try:
        effect = next(flow)
        while True:
            try:
                result = _perform_sync(effect)
            except Exception as error:
                effect = flow.throw(error)
            else:
                effect = flow.send(result)
    except StopIteration as done:
        result_value: _T = done.value
        return result_value
    finally:
        flow.close()


async def _run_orm_step(effect: InOrmThread) -> Any:
    step = sync_to_async(effect.fn, thread_sensitive=True)
    if _inside_orm_step.get():
        return await step(*effect.args)
    async with _orm_slot():
        token = _inside_orm_step.set(True)  # copied into the step's thread
        try:
            return await step(*effect.args)
        finally:
            _inside_orm_step.reset(token)


async def _perform_async(effect: Effect) -> Any:
    if isinstance(effect, EachMode):
        effect = effect.async_
    if isinstance(effect, InOrmThread):
        return await _run_orm_step(effect)
    if isinstance(effect, InHashingPool):
        pooled = sync_to_async(effect.fn, thread_sensitive=False, executor=hashing_pool())
        return await pooled(*effect.args)
    if isinstance(effect, Awaited):
        return await effect.fn(*effect.args)
    return await getattr(effect.obj, effect.pair.async_name)(*effect.args, **effect.kwargs)


async def run_async(flow: Flow[_T]) -> _T:
    """Run ``flow`` from async code: one thread hop per ORM or hashing effect."""
    try:
        effect = next(flow)
        while True:
            try:
                result = await _perform_async(effect)
            except Exception as error:
                effect = flow.throw(error)
            else:
                effect = flow.send(result)
    except StopIteration as done:
        result_value: _T = done.value
        return result_value
    finally:
        flow.close()
