"""The heap trimmer: a burst of big checks trims once, after the last one."""

from __future__ import annotations

import asyncio

from prosewise.server.heap import BIG_CHECK_DELAY, Trimmer, malloc_trim


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
