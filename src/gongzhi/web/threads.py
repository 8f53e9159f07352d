"""Where a submission's database work runs: a worker thread, ``intake_threads`` at a time per process.

A submission is CPU-bound Python (validation, urgency rules and models, the ORM) with short waits on
the database. Python runs one thread at a time, so more threads than that contend for the GIL, and
on SQLite a thread holding the writers' queue is made to wait for the GIL while the other process
waits for the queue. With the default pool (40 threads) the 8 submissions a server process holds at
concurrency 16 ran side by side: 270 submissions/s on SQLite and 263 on PostgreSQL, p95 89 and
113 ms. One at a time: 444-475/s and 341-383/s, p95 43-56 and 54-71 ms (``benchmarks/intake.py``
on 2 cores, two server processes). The other submissions wait in the event loop, where waiting
costs nothing. With a remote database, round trips leave the CPU idle: raise ``intake_threads``.

Other endpoints keep the default pool, so a slow export never holds up a citizen's message; and the
web form and the API's multipart upload no longer write from inside the event loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from gongzhi.config import Settings

T = TypeVar("T")
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


async def run_intake(settings: Settings, fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in a worker thread, queued behind the other submissions of this process."""
    loop = asyncio.get_running_loop()  # a limiter belongs to one event loop (tests run several)
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(settings.intake_threads)
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)
