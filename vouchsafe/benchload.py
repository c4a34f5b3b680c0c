"""A bounded HTTP load generator for the throughput benchmark (loopback only).

``run_load`` starts N client processes; each builds its own requests *before* the common start
time (so request signing is not timed), then POSTs them one after another over a keep-alive
connection until the deadline, recording each request's latency. Results: requests per second
(overall and per one-second window, for the spread), p50/p99 latency, error count, and whether a
client ran out of prepared requests (then the throughput is a lower bound and says so), and the
CPU time the whole machine spent during the timed window (Linux ``/proc/stat``).

Refuses any URL that is not on the loopback interface: this tool must never load someone else's
server.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing as mp
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# (path, body, headers) of one prepared POST.
Prepared = tuple[str, bytes, dict[str, str]]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ClientRun:
    """What one client process did: completion times (relative to start), latencies, errors."""

    done_at: tuple[float, ...]
    latencies: tuple[float, ...]
    errors: int
    first_error: str
    exhausted: bool


@dataclass(frozen=True)
class LoadResult:
    """Aggregate of all clients over the run."""

    clients: int
    duration: float
    requests: int
    errors: int
    first_error: str
    exhausted: bool
    latencies: tuple[float, ...]
    per_second: tuple[int, ...]
    # CPU seconds every process on the machine used from the common start until the last
    # client reported (server, clients and anything else running); None where unreadable.
    machine_cpu_s: float | None = None

    @property
    def cpu_per_request_s(self) -> float | None:
        """Machine CPU seconds per successful request (an over-estimate of the request's own
        cost when other work shares the machine); None when unknown or nothing succeeded."""
        if self.machine_cpu_s is None or not self.requests:
            return None
        return self.machine_cpu_s / self.requests

    @property
    def throughput(self) -> float:
        """Successful requests per second over the whole run."""
        return self.requests / self.duration

    def latency_quantile(self, q: float) -> float:
        """The q-quantile of request latency in seconds (nearest rank); nan with no requests."""
        return quantile(self.latencies, q)

    def window_quantile(self, q: float) -> float:
        """The q-quantile of the per-second request counts (the throughput's spread)."""
        return quantile([float(c) for c in self.per_second], q)


def quantile(values: Sequence[float], q: float) -> float:
    """Nearest-rank quantile (q in [0, 1]); nan for an empty sequence."""
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be in [0, 1]")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def check_loopback(url: str) -> None:
    """Raises ValueError unless ``url`` is http on a loopback host."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"load generation is limited to http on loopback, not {url!r}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(
    port: int, timeout: float = 30.0, alive: Callable[[], bool] | None = None
) -> None:
    """Waits until 127.0.0.1:port accepts connections; TimeoutError/RuntimeError otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError("the server process exited before it listened")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


def resolve(ref: str) -> Callable[..., list[Prepared]]:
    """``"package.module:function"`` -> the function (it must be importable in a child)."""
    module, _, name = ref.partition(":")
    fn: Callable[..., list[Prepared]] = getattr(importlib.import_module(module), name)
    return fn


def _client(
    base_url: str,
    factory: str,
    kwargs: Mapping[str, Any],
    index: int,
    count: int,
    ready: Any,
    prepare_seconds: float,
    duration: float,
    out: Any,
) -> None:
    import httpx

    prepared = resolve(factory)(index=index, count=count, **kwargs)
    done_at: list[float] = []
    latencies: list[float] = []
    errors, first_error, exhausted = 0, "", False
    with httpx.Client(base_url=base_url, timeout=30.0) as http:
        ready.wait(timeout=prepare_seconds)
        t0 = time.perf_counter()
        for path, body, headers in prepared:
            if time.perf_counter() - t0 >= duration:
                break
            sent = time.perf_counter()
            try:
                response = http.post(path, content=body, headers=headers)
                ok = response.status_code < 300
                reason = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as exc:
                ok, reason = False, f"{type(exc).__name__}: {exc}"
            now = time.perf_counter()
            if ok:
                latencies.append(now - sent)
                done_at.append(now - t0)
            else:
                errors += 1
                first_error = first_error or reason
        else:
            exhausted = time.perf_counter() - t0 < duration
    out.put(ClientRun(tuple(done_at), tuple(latencies), errors, first_error, exhausted))


def machine_busy_cpu_s() -> float | None:
    """CPU seconds the machine has spent busy since boot, all cores (Linux ``/proc/stat``:
    every state but idle and iowait); None where that file cannot be read."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None
    if not fields or fields[0] != "cpu":
        return None
    counts = [int(x) for x in fields[1:]]
    busy = sum(counts) - counts[3] - (counts[4] if len(counts) > 4 else 0)
    return busy / ticks


def run_load(
    base_url: str,
    factory: str,
    *,
    clients: int,
    duration: float,
    requests_per_client: int,
    factory_kwargs: Mapping[str, Any] | None = None,
    prepare_seconds: float = 20.0,
) -> LoadResult:
    """Runs ``clients`` processes against ``base_url`` for ``duration`` seconds.

    ``factory`` names a function ``f(*, index, count, **factory_kwargs) -> list[Prepared]`` that
    each client calls before the start to build its requests; all clients start together once
    every one is ready. ``prepare_seconds`` bounds how long that may take (TimeoutError).
    """
    check_loopback(base_url)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    ready = ctx.Barrier(clients + 1)
    procs = [
        ctx.Process(
            target=_client,
            args=(
                base_url,
                factory,
                dict(factory_kwargs or {}),
                i,
                requests_per_client,
                ready,
                prepare_seconds,
                duration,
                queue,
            ),
            daemon=True,
        )
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    runs: list[ClientRun] = []
    try:
        try:
            ready.wait(timeout=prepare_seconds)
        except threading.BrokenBarrierError:
            raise TimeoutError(
                f"the {clients} clients were not ready within {prepare_seconds} s"
            ) from None
        busy_at_start = machine_busy_cpu_s()
        for _ in procs:
            runs.append(queue.get(timeout=duration + 60.0))
        busy_at_end = machine_busy_cpu_s()
    finally:
        for p in procs:
            p.join(timeout=5.0)
            if p.is_alive():
                p.terminate()
    windows = [0] * max(1, math.ceil(duration))
    for run in runs:
        for t in run.done_at:
            windows[min(int(t), len(windows) - 1)] += 1
    return LoadResult(
        clients=clients,
        duration=duration,
        requests=sum(len(r.latencies) for r in runs),
        errors=sum(r.errors for r in runs),
        first_error=next((r.first_error for r in runs if r.first_error), ""),
        exhausted=any(r.exhausted for r in runs),
        latencies=tuple(x for r in runs for x in r.latencies),
        per_second=tuple(windows),
        machine_cpu_s=(
            None if busy_at_start is None or busy_at_end is None else busy_at_end - busy_at_start
        ),
    )
