"""How long the event loop went without running other tasks: a 1 ms ticker's worst lateness.

    async with measure_stall() as stall:
        await backend.aauthenticate(None, username="alice", password="...")
    print(stall.worst_ms)

The contract's event-loop check and ``bench/logins.py`` measure with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

__all__ = ["Stall", "measure_stall"]

TICK = 0.001


@dataclass
class Stall:
    worst_seconds: float = 0.0

    @property
    def worst_ms(self) -> float:
        return self.worst_seconds * 1000


@contextlib.asynccontextmanager
async def measure_stall() -> AsyncIterator[Stall]:
    """Measure the loop's longest stall while the block runs (read it after the block)."""
    stall = Stall()
    done = False

    async def ticker() -> None:
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            stall.worst_seconds = max(stall.worst_seconds, time.perf_counter() - before - TICK)

    task = asyncio.ensure_future(ticker())
    await asyncio.sleep(0)  # let the ticker start before the block can block
    try:
        yield stall
    finally:
        done = True
        await task
