"""The throughput benchmark's load generator counts what it sent, separates refused requests,
and refuses anything but loopback. Nothing here asserts a time."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from vouchsafe.benchload import check_loopback, free_port, quantile, run_load, wait_for_port


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tests.fixtures.loadgen_app:app", "--port", str(port),
         "--log-level", "warning"],
    )
    try:
        wait_for_port(port, alive=lambda: server.poll() is None)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_load_counts_successes_and_refusals_and_stops_when_requests_run_out(echo_url: str) -> None:
    result = run_load(
        echo_url, "tests.fixtures.loadgen_app:prepare", clients=2, duration=30.0,
        requests_per_client=20, factory_kwargs={"bad_every": 5}, prepare_seconds=60.0,
    )
    assert result.requests == 2 * 16
    assert result.errors == 2 * 4
    assert result.first_error.startswith("HTTP 400")
    assert result.exhausted
    assert len(result.latencies) == result.requests
    assert sum(result.per_second) == result.requests
    assert 0 < result.latency_quantile(0.5) <= result.latency_quantile(0.99)


def test_nearest_rank_quantile() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert quantile(values, 0.5) == 3.0
    assert quantile(values, 0.99) == 5.0
    assert quantile(values, 0.0) == 1.0
    with pytest.raises(ValueError):
        quantile(values, 1.5)


@pytest.mark.parametrize("url", ["http://example.org:80", "https://127.0.0.1:1", "http://10.0.0.1"])
def test_load_generation_refuses_anything_but_loopback_http(url: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        check_loopback(url)
