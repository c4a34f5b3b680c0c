"""An HTTP request's ASGI scope, and a loop that serves an app as a server would, for tests and
benchmarks that call the server's app directly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


def http_scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """The scope a server hands the app for ``method path`` with ``headers`` from loopback."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


class ServingLoop:
    """An event loop in the calling thread that hands work to an ASGI app as a running server
    does: every ``run(work)`` is awaited inside one long-lived task.

    A server's requests run under its main task, and the thread pool behind Starlette's
    ``run_in_threadpool`` (anyio) keeps idle worker threads for as long as that root task
    lives. Calling ``loop.run_until_complete(request())`` once per request instead makes each
    request its own root, so every request would start (and stop) a worker thread: about
    0.3 ms that a server does not pay. Here the long-lived task becomes anyio's root first (it
    makes one thread-pool call while it is the task ``run_until_complete`` waits for), then the
    loop is stopped with the task still pending, and each ``run`` hands it one piece of work.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._queue: asyncio.Queue[tuple[Callable[[], Awaitable[Any]], asyncio.Future[Any]]] = (
            asyncio.Queue()
        )
        self._task = self.loop.create_task(self._serve())
        with contextlib.suppress(RuntimeError):  # "stopped before Future completed": meant
            self.loop.run_until_complete(self._task)

    async def _serve(self) -> None:
        await run_in_threadpool(lambda: None)
        self.loop.stop()
        while True:
            work, done = await self._queue.get()
            try:
                done.set_result(await work())
            except Exception as exc:  # handed back to the caller of run()
                done.set_exception(exc)

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """Awaits ``work()`` inside the long-lived task and returns its result."""
        done: asyncio.Future[T] = self.loop.create_future()
        self._queue.put_nowait((work, done))
        return self.loop.run_until_complete(done)

    def close(self) -> None:
        """Ends the task and closes the loop."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            self.loop.run_until_complete(self._task)
        self.loop.close()
