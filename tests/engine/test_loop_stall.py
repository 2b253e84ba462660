"""``measure_stall``: what blocks the loop is told apart from what the machine does to it.

The contract's event-loop check judges ``blocking_ms``, so these pin down both
sides: work on the loop thread is counted (CPU-bound or sleeping, with or
without the GIL), and a stall the loop does not cause is seen in ``worst_ms``
but not counted in ``blocking_ms``.
"""

from __future__ import annotations

import asyncio
import threading
import time

from auth_backend_sdk.engine.loop_stall import measure_stall

BLOCK = 0.2


def gil_holding_call_of_at_least(seconds: float) -> int:
    """A ``sum(range(n))`` size that runs in C, GIL held, for at least ``seconds`` of CPU here.

    CPU time, not wall time: on a loaded machine a call takes longer than its
    CPU time, and the loop thread's CPU time is what measure_stall counts.
    """
    n = 100_000
    while True:
        started = time.thread_time()
        sum(range(n))
        if time.thread_time() - started >= seconds:
            return n
        n *= 2


async def test_a_sleep_on_the_loop_is_blocking() -> None:
    async with measure_stall() as stall:
        time.sleep(BLOCK)  # noqa: ASYNC251 - the point: it blocks the loop
    assert stall.worst_ms >= BLOCK * 1000 * 0.9
    assert stall.blocking_ms >= BLOCK * 1000 / 2


async def test_cpu_work_on_the_loop_is_blocking() -> None:
    async with measure_stall() as stall:
        started = time.thread_time()
        while time.thread_time() - started < BLOCK:
            pass
    assert stall.blocking_ms >= BLOCK * 1000 * 0.9


async def test_c_code_holding_the_gil_on_the_loop_is_blocking() -> None:
    n = gil_holding_call_of_at_least(BLOCK)
    async with measure_stall() as stall:
        sum(range(n))  # the sampler cannot look; the loop thread's CPU time tells
    assert stall.blocking_ms >= BLOCK * 1000 / 2


async def test_work_in_a_thread_is_not_blocking() -> None:
    n = gil_holding_call_of_at_least(0.05)
    # Starting the executor's thread makes the loop thread wait for it in
    # threading.Thread.start(): on a loaded machine, long enough to count.
    await asyncio.to_thread(int)
    async with measure_stall() as stall:
        await asyncio.to_thread(time.sleep, BLOCK)
        await asyncio.to_thread(sum, range(n))
    assert stall.blocking_ms < 20


async def test_a_stall_the_loop_does_not_cause_is_seen_but_not_counted() -> None:
    """Another thread holds the GIL (as the hypervisor or a busy core would hold the CPU)."""
    n = gil_holding_call_of_at_least(BLOCK)
    loop = asyncio.get_running_loop()
    finished = asyncio.Event()

    def hold_the_gil_shortly() -> None:
        time.sleep(0.02)
        sum(range(n))
        loop.call_soon_threadsafe(finished.set)

    other = threading.Thread(target=hold_the_gil_shortly)
    other.start()
    async with measure_stall() as stall:
        await finished.wait()
    other.join()
    assert stall.worst_ms >= BLOCK * 1000 / 2
    assert stall.blocking_ms < 20


async def test_nothing_running_is_nothing_blocking() -> None:
    async with measure_stall() as stall:
        await asyncio.sleep(0.05)
    assert stall.blocking_ms < 20
    assert stall.worst_ms >= stall.blocking_ms
