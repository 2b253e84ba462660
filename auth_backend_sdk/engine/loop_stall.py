"""How long the event loop went without running other tasks, and how much of it the loop's own work.

    async with measure_stall() as stall:
        await backend.aauthenticate(None, username="alice", password="...")
    print(stall.worst_ms, stall.blocking_ms)

A ticker task sleeping 1 ms records its worst lateness: ``worst_ms``, the
stall every other task of the process saw. On a shared machine part of a
stall is the machine's: the hypervisor or another process takes the CPU, or a
worker thread holds the GIL. ``blocking_ms`` keeps only the part the loop
thread spent on code that ran *on the loop*: its CPU time during the stall
(a hash computed on the loop, C code holding the GIL), or the time a sampling
thread found it inside code other than the event loop's own machinery (a
``time.sleep()``, a blocking socket read). A backend that blocks the loop
does so on every call, whatever the machine is doing; a busy machine does
not make a well-behaved backend look blocking.

The contract's event-loop check judges ``blocking_ms``; ``bench/logins.py``
reports ``worst_ms``, the latency other requests see.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import selectors
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import FrameType

__all__ = ["Stall", "measure_stall"]

TICK = 0.001
SAMPLE = 0.002

# Frames of these files are the event loop's own machinery: a loop thread
# found there is waiting for work (or about to run it), not blocked by it.
_LOOP_MACHINERY = (os.path.dirname(asyncio.__file__) + os.sep, selectors.__file__)


@dataclass
class Stall:
    """The worst stall seen during the block, and the part of it the loop's own work."""

    worst_seconds: float = 0.0
    blocking_seconds: float = 0.0

    @property
    def worst_ms(self) -> float:
        """The longest the loop went without running other tasks, in ms, whatever the cause."""
        return self.worst_seconds * 1000

    @property
    def blocking_ms(self) -> float:
        """The longest stretch of that the loop thread spent on the block's own work, in ms."""
        return self.blocking_seconds * 1000


class _Sampler(threading.Thread):
    """Watches the loop thread while the ticker is late: is it running code off the loop's path?"""

    def __init__(self, loop_thread: int) -> None:
        super().__init__(name="auth-backend-sdk loop sampler", daemon=True)
        self.loop_thread = loop_thread
        self.ticker_frame: FrameType | None = None
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.tick_started = time.perf_counter()
        self.busy_seconds = 0.0
        self.busy_at: tuple[FrameType, int] | None = None

    def start_tick(self) -> None:
        with self.lock:
            self.tick_started = time.perf_counter()
            self.busy_seconds = 0.0
            self.busy_at = None

    def busy_during_tick(self) -> float:
        with self.lock:
            return self.busy_seconds

    def run(self) -> None:
        last = time.perf_counter()
        while not self.stopped.wait(SAMPLE):
            now = time.perf_counter()
            with self.lock:
                if now - self.tick_started > 2 * TICK:
                    self._sample(now - max(last, self.tick_started))
            last = now
        self.busy_at = None

    def _sample(self, elapsed: float) -> None:
        frame = sys._current_frames().get(self.loop_thread)
        if (
            frame is None
            or frame is self.ticker_frame
            or frame.f_code.co_filename.startswith(_LOOP_MACHINERY)
        ):
            self.busy_at = None
            return
        at = (frame, frame.f_lasti)
        if self.busy_at is not None and self.busy_at[0] is frame and self.busy_at[1] == at[1]:
            # Still at the same instruction of the same frame as the last sample: it was
            # there all along, however late this thread itself came round.
            self.busy_seconds += elapsed
        else:
            # Moved since: what it did in between is unknown, so credit one period at most.
            self.busy_seconds += min(elapsed, 2 * SAMPLE)
        self.busy_at = at


@contextlib.asynccontextmanager
async def measure_stall() -> AsyncIterator[Stall]:
    """Measure the loop's longest stall while the block runs (read it after the block)."""
    stall = Stall()
    sampler = _Sampler(threading.get_ident())
    done = False

    async def ticker() -> None:
        sampler.ticker_frame = sys._getframe()
        while not done:
            before, cpu_before = time.perf_counter(), time.thread_time()
            sampler.start_tick()
            await asyncio.sleep(TICK)
            late = time.perf_counter() - before - TICK
            busy = max(time.thread_time() - cpu_before, sampler.busy_during_tick())
            stall.worst_seconds = max(stall.worst_seconds, late)
            stall.blocking_seconds = max(stall.blocking_seconds, min(late, busy))

    sampler.start()
    task = asyncio.ensure_future(ticker())
    await asyncio.sleep(0)  # let the ticker start before the block can block
    try:
        yield stall
    finally:
        done = True
        await task
        sampler.stopped.set()
        sampler.join()
