"""The heap trimmer: a burst of big checks trims once, after the last one; the garbage
collector is held off while big checks run, and back once the last has ended."""

from __future__ import annotations

import asyncio
import gc

from prosewise.server.heap import BIG_CHECK_DELAY, Collector, Trimmer, malloc_trim


async def test_a_burst_of_big_checks_trims_once_after_the_last() -> None:
    calls: list[float] = []
    loop = asyncio.get_running_loop()
    trimmer = Trimmer(big=400, trim=lambda: calls.append(loop.time()))
    for _ in range(3):
        await asyncio.sleep(BIG_CHECK_DELAY / 4)
        trimmer.checked(blocks=500)
        last = loop.time()
    trimmer.checked(blocks=4)  # a keystroke meanwhile neither trims nor postpones it
    await asyncio.sleep(BIG_CHECK_DELAY * 1.5)
    assert len(calls) == 1 and calls[0] - last >= BIG_CHECK_DELAY * 0.9
    trimmer.close()


def test_malloc_trim_is_callable_where_found() -> None:
    trim = malloc_trim()
    if trim is not None:  # glibc
        trim()


async def test_overlapping_holds_resume_the_collector_after_the_last() -> None:
    collector = Collector()
    assert gc.isenabled()
    gate = asyncio.Event()

    async def big_check() -> None:
        with collector.held():
            await gate.wait()

    first = asyncio.create_task(big_check())
    with collector.held():
        await asyncio.sleep(0)  # the other check holds it too now
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other check still runs
    gate.set()
    await first
    assert gc.isenabled()


def test_a_collector_switched_off_elsewhere_stays_off() -> None:
    gc.disable()
    try:
        with Collector().held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
