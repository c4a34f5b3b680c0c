"""Slow and idle sockets cannot lock other clients out of ``vouchsafe server`` (bounded, loopback).

The server runs with a descriptor limit of 256. A bounded slowloris (320 sockets from four
loopback addresses, each dribbling a request header for a few seconds; more than the limit)
and five clients that send 10 of the 1,000 body bytes they announce run while a well-behaved
client from 127.0.0.1 keeps registering and reading: every one of its requests is served, the
slow ones get a typed 408 or 503 and are closed, and the log holds no "Too many open files"
flood. Plain uvicorn fails all of this (no client served, ~170,000 tracebacks in 5 s).
"""

from __future__ import annotations

import contextlib
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import REPO_ROOT
from vouchsafe.demo.server_process import free_loopback_port
from vouchsafe.protocol import common_pb2
from vouchsafe.sdk.api import ApiClient

DESCRIPTOR_LIMIT = 256
ATTACK_ADDRESSES = [f"127.0.0.{n}" for n in range(2, 6)]
SOCKETS_PER_ADDRESS = 80
PER_CLIENT_CAP = 16
HEADER_TIMEOUT_S = 2
ATTACK_S = 4.0


def _limit_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTOR_LIMIT, DESCRIPTOR_LIMIT))


@pytest.fixture
def limited_server(tmp_path: Path) -> tuple[str, int, Path]:
    port, log = free_loopback_port(), tmp_path / "server.log"
    command = [sys.executable, "-m", "vouchsafe", "server"]
    command += ["--db", f"sqlite:///{tmp_path / 's.db'}"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--schedule-interval", "0"]
    command += ["--max-connections-per-client", str(PER_CLIENT_CAP)]
    command += ["--header-timeout", str(HEADER_TIMEOUT_S), "--body-timeout", str(HEADER_TIMEOUT_S)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_limit_descriptors,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield url, port, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _open_slow(port: int, sources: list[str], first: bytes) -> list[socket.socket]:
    """One socket per entry of ``sources``, connected in parallel, each having sent ``first``."""
    pending: dict[int, socket.socket] = {}
    poller = select.poll()
    for source in sources:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((source, 0))
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        pending[sock.fileno()] = sock
        poller.register(sock, select.POLLOUT)
    opened: list[socket.socket] = []
    deadline = time.monotonic() + 30
    while pending and time.monotonic() < deadline:
        for fd, _ in poller.poll(500):
            sock = pending.pop(fd)
            poller.unregister(fd)
            sock.setblocking(True)
            sock.settimeout(HEADER_TIMEOUT_S * 5)
            try:
                if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    sock.sendall(first)
                    opened.append(sock)
                    continue
            except OSError:
                pass
            sock.close()
    for sock in pending.values():
        sock.close()
    return opened


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sent until it closed (or the socket timed out: b"TIMEOUT")."""
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except TimeoutError:
        return b"TIMEOUT"
    except OSError:
        pass
    return data


def _error_code(answer: bytes) -> tuple[int, str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, common_pb2.Error.FromString(body).code


def test_a_bounded_slowloris_leaves_other_clients_served(
    limited_server: tuple[str, int, Path],
) -> None:
    url, port, log = limited_server
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1024:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    header = b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
    slow = _open_slow(port, ATTACK_ADDRESSES * SOCKETS_PER_ADDRESS, header)
    assert len(slow) == len(ATTACK_ADDRESSES) * SOCKETS_PER_ADDRESS
    body_head = (
        b"POST /v1/accounts HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-protobuf\r\n"
        b"content-length: 1000\r\n\r\n" + b"\x0a" * 10
    )
    starved = _open_slow(port, ["127.0.0.10"] * 5, body_head)
    stop = threading.Event()

    def dribble() -> None:
        while not stop.wait(0.5):
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.send(b"a")

    dribbler = threading.Thread(target=dribble, daemon=True)
    dribbler.start()
    served: list[int] = []
    try:
        client = ApiClient(url, Ed25519PrivateKey.generate())
        client.register(handle="patient")
        end = time.monotonic() + ATTACK_S
        while time.monotonic() < end:
            served.append(httpx.get(url + "/v1/health", timeout=5).status_code)
            served.append(httpx.get(url + "/v1/provider", timeout=5).status_code)
        assert client.lookup(handle="patient").account_id == client.account_id
        client.close()
    finally:
        stop.set()
        dribbler.join()
    assert served and set(served) == {200}

    answers = [_answer(s) for s in slow]
    codes = [_error_code(a) for a in answers]
    assert b"TIMEOUT" not in answers
    refused = codes.count((503, "server_busy"))
    timed_out = codes.count((408, "request_timeout"))
    # Each address holds at most PER_CLIENT_CAP at a time; one whose sockets timed out may be
    # admitted again for sockets still waiting in the listen queue.
    assert timed_out >= len(ATTACK_ADDRESSES) * PER_CLIENT_CAP
    assert refused > 0 and refused + timed_out == len(slow)
    for sock in starved:
        assert _error_code(_answer(sock)) == (408, "request_timeout")
    for sock in slow + starved:
        sock.close()

    text = log.read_text(errors="replace")
    assert "Too many open files" not in text
    assert len(text.splitlines()) < 40, text[-3000:]


def test_a_body_that_stops_arriving_gets_a_408_and_a_closed_connection() -> None:
    """The body deadline in the ASGI layer, in process: ``receive()`` never delivers the rest."""
    import asyncio

    from tests.asgi import http_scope
    from vouchsafe.server.app import create_app
    from vouchsafe.server.settings import Settings

    app = create_app(Settings(db_url="memory:", schedule_interval_s=0, body_timeout_s=0.2))
    sent: list[dict[str, object]] = []
    first = True

    async def receive() -> dict[str, object]:
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b"\x0a" * 10, "more_body": True}
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/x-protobuf"), (b"content-length", b"1000")]
    scope = http_scope("POST", "/v1/accounts", headers)
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")  # type: ignore[misc]
    assert start["status"] == 408
    assert (b"connection", b"close") in start["headers"]  # type: ignore[operator]
    assert common_pb2.Error.FromString(body).code == "request_timeout"
