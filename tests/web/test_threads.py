"""Submissions run in worker threads, at most ``intake_threads`` at a time per process, the rest queued."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from gongzhi.config import Settings
from gongzhi.web.threads import run_intake


def _settings(threads: int) -> Settings:
    return Settings(secret_key="test-secret-not-for-production", intake_threads=threads)


@pytest.mark.parametrize("threads", [1, 3])
def test_no_more_submissions_run_at_once_than_configured(threads: int) -> None:
    running, most, lock = 0, 0, threading.Lock()
    loop_thread = threading.get_ident()

    def work(n: int) -> int:
        nonlocal running, most
        assert threading.get_ident() != loop_thread, "ran in the event loop"
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return n * n

    async def main() -> list[int]:
        settings, results = _settings(threads), []

        async def one(n: int) -> None:
            results.append(await run_intake(settings, work, n))

        async with anyio.create_task_group() as group:
            for n in range(8):
                group.start_soon(one, n)
        return results

    assert sorted(anyio.run(main)) == [n * n for n in range(8)]
    assert most == threads


def test_an_error_reaches_the_caller_and_frees_the_slot() -> None:
    def fail() -> None:
        raise ValueError("bad")

    async def main() -> str:
        settings = _settings(1)
        with pytest.raises(ValueError, match="bad"):
            await run_intake(settings, fail)
        return await run_intake(settings, str.upper, "ok")  # would wait forever if the slot were kept

    assert anyio.run(main) == "OK"
