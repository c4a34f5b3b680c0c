"""Unsigned requests (GET/HEAD, registration, console sign-in) are paced per client address: a
burst passes at once, later ones wait their turn without work done for them, one whose turn is
too far ahead is refused with 429 and Retry-After before any route runs, and signed requests
are never paced."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.asgi import http_scope
from vouchsafe.sdk.errors import ErrorCode
from vouchsafe.server import pacing
from vouchsafe.server.pacing import (
    PaceExceeded,
    PublicRequestPacing,
    RequestPace,
    client_key,
    is_paced,
)
from vouchsafe.server.settings import Settings, settings_from_env


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_at_once_then_each_read_waits_one_interval_more() -> None:
    clock = Clock()
    pace = RequestPace(per_second=10, burst=3, max_wait_s=1.0, clock=clock)
    assert [pace.wait_for("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert [round(pace.wait_for("a"), 6) for _ in range(3)] == [0.1, 0.2, 0.3]


def test_the_rate_refills_with_time() -> None:
    clock = Clock()
    pace = RequestPace(per_second=10, burst=2, max_wait_s=1.0, clock=clock)
    for _ in range(2):
        pace.wait_for("a")
    assert pace.wait_for("a") > 0
    clock.now += 10.0
    assert pace.wait_for("a") == 0.0


def test_a_read_too_far_ahead_is_refused_and_takes_no_turn() -> None:
    clock = Clock()
    pace = RequestPace(per_second=1, burst=1, max_wait_s=2.0, clock=clock)
    assert [pace.wait_for("a") for _ in range(3)] == [0.0, 1.0, 2.0]
    with pytest.raises(PaceExceeded) as refused:
        pace.wait_for("a")
    assert refused.value.retry_after_s == 1
    assert refused.value.code is ErrorCode.RATE_LIMITED
    clock.now += 1.0  # one turn later, the refused read did not push the queue further
    assert pace.wait_for("a") == 2.0


def test_addresses_are_paced_apart() -> None:
    pace = RequestPace(per_second=1, burst=1, max_wait_s=0.0, clock=Clock())
    pace.wait_for("a")
    with pytest.raises(PaceExceeded):
        pace.wait_for("a")
    assert pace.wait_for("b") == 0.0


def test_an_ipv6_client_is_paced_by_its_64_prefix_and_an_ipv4_client_by_its_address() -> None:
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("192.0.2.1") != client_key("192.0.2.2")
    assert client_key("testclient") == "testclient"


def test_idle_addresses_are_forgotten_when_the_table_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pacing, "TRACKED_ADDRESSES", 2)
    clock = Clock()
    pace = RequestPace(per_second=1, burst=1, max_wait_s=5.0, clock=clock)
    pace.wait_for("a")
    pace.wait_for("b")
    pace.wait_for("b")  # b's next turn is 2 s ahead
    clock.now += 1.5  # a is idle now, b is not
    pace.wait_for("c")
    assert set(pace._next_turn) == {"b", "c"}


def test_pace_parameters_are_checked() -> None:
    for bad in ({"per_second": 0}, {"burst": 0}, {"max_wait_s": -1}):
        args: dict[str, Any] = {"per_second": 1.0, "burst": 1, "max_wait_s": 0.0, **bad}
        with pytest.raises(ValueError):
            RequestPace(**args)


async def _call(
    app: Any, method: str, address: str, path: str = "/v1/health"
) -> tuple[int, dict[bytes, bytes]]:
    scope = http_scope(method, path, [(b"host", b"testserver")])
    scope["client"] = (address, 50000)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return start["status"], dict(start.get("headers", []))


def test_the_middleware_holds_a_read_for_its_turn_and_refuses_past_the_wait() -> None:
    reached: list[str] = []
    slept: list[float] = []

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        reached.append(scope["method"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    app = PublicRequestPacing(inner, per_second=2, burst=1, max_wait_s=0.5, sleep=sleep,
                           clock=Clock())

    async def scenario() -> list[tuple[int, dict[bytes, bytes]]]:
        return [
            await _call(app, "GET", "10.0.0.1"),
            await _call(app, "HEAD", "10.0.0.1"),
            await _call(app, "GET", "10.0.0.1"),
            await _call(app, "POST", "10.0.0.1", "/v1/vouchers"),  # signed: never paced
            await _call(app, "POST", "10.0.0.1", "/v1/accounts"),  # unsigned: paced
            await _call(app, "GET", "10.0.0.2"),
        ]

    answers = asyncio.run(scenario())
    assert [status for status, _ in answers] == [200, 200, 429, 200, 429, 200]
    assert answers[2][1][b"retry-after"] == b"1"
    assert slept == [0.5]  # the HEAD waited its turn; nothing else waited
    assert reached == ["GET", "HEAD", "POST", "GET"]  # the refused ones reached no route


def test_unsigned_requests_are_the_reads_registration_and_the_console_sign_in() -> None:
    assert is_paced("GET", "/v1/transparency") and is_paced("HEAD", "/console/review")
    assert is_paced("POST", "/v1/accounts") and is_paced("POST", "/console/login")
    assert not is_paced("POST", "/v1/vouchers") and not is_paced("POST", "/console/logout")


def test_the_server_refuses_an_unsigned_request_flood_with_the_api_error(tmp_path: Any) -> None:
    from vouchsafe.protocol import common_pb2
    from vouchsafe.server.app import create_app

    settings = Settings(db_url="memory:", public_requests_per_s=0.001, public_request_burst=2,
                        public_request_max_wait_s=0.0, provider_key_path=tmp_path / "p.key")
    with TestClient(create_app(settings)) as http:
        assert [http.get("/v1/health").status_code for _ in range(2)] == [200, 200]
        refused = http.get("/v1/transparency")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert common_pb2.Error.FromString(refused.content).code == ErrorCode.RATE_LIMITED


def test_a_registration_flood_from_one_address_is_refused_and_creates_nothing(
    tmp_path: Any,
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vouchsafe.protocol import api_pb2
    from vouchsafe.sdk.api.signing import key_id_for
    from vouchsafe.server.app import create_app

    settings = Settings(db_url="memory:", public_requests_per_s=0.001, public_request_burst=2,
                        public_request_max_wait_s=0.0, provider_key_path=tmp_path / "p.key")
    app = create_app(settings)

    keys = [Ed25519PrivateKey.generate().public_key().public_bytes_raw() for _ in range(3)]

    def register(http: TestClient, key: bytes) -> int:
        body = api_pb2.RegisterAccountRequest(version=1, signing_public_key=key)
        headers = {"content-type": "application/x-protobuf"}
        return http.post("/v1/accounts", content=body.SerializeToString(),
                         headers=headers).status_code

    with TestClient(app) as http:
        assert [register(http, key) for key in keys] == [200, 200, 429]
        with app.state.ctx.storage.read() as tx:
            stored = [tx.accounts.get(key_id_for(key)) is not None for key in keys]
        assert stored == [True, True, False]


def test_pacing_is_off_at_zero_and_set_from_the_environment() -> None:
    assert PublicRequestPacing(None, per_second=0, burst=1, max_wait_s=0).pace is None
    settings = settings_from_env({"VOUCHSAFE_PUBLIC_REQUESTS_PER_S": "0",
                                  "VOUCHSAFE_PUBLIC_REQUEST_BURST": "7"})
    assert (settings.public_requests_per_s, settings.public_request_burst) == (0.0, 7)
