"""The benchmarks' ServingLoop serves like a running server: one worker thread is reused across
requests, and a request's error reaches its caller."""

from __future__ import annotations

import threading

import pytest
from starlette.concurrency import run_in_threadpool

from tests.asgi import ServingLoop


def test_requests_reuse_the_thread_pool_s_worker_thread() -> None:
    serving = ServingLoop()
    try:
        idents = {serving.run(lambda: run_in_threadpool(threading.get_ident)) for _ in range(5)}
    finally:
        serving.close()
    assert len(idents) == 1 and threading.get_ident() not in idents


def test_an_error_inside_a_request_reaches_its_caller() -> None:
    async def failing() -> None:
        raise ValueError("refused")

    serving = ServingLoop()
    try:
        with pytest.raises(ValueError, match="refused"):
            serving.run(failing)
        assert serving.run(lambda: run_in_threadpool(lambda: 7)) == 7  # still serving
    finally:
        serving.close()
