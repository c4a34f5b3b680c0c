"""The public transparency figures are reused per period for at most their max age, then read
again; a flood of readers costs one computation per period per interval."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.reference_server.conftest import THRESHOLD, Clock, InProcessServer, make_settings
from tests.reference_server.fakes import FakeMatcher, fake_voucher, upload
from vouchsafe.server.app import create_app
from vouchsafe.server.pipeline.transparency import Figures, FiguresCache

MAX_AGE_MS = 60_000


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Figures:
        self.calls += 1
        return {"computed_at_ms": 1_000 * self.calls, "n": self.calls}


def test_cache_reuses_figures_within_their_max_age_only() -> None:
    cache, compute = FiguresCache(max_age_ms=500), Counting()
    assert cache.get((0, 1), 1_000, compute)["n"] == 1
    assert cache.get((0, 1), 1_499, compute)["n"] == 1  # 499 ms old: reused
    assert cache.get((0, 1), 1_500, compute)["n"] == 2  # 500 ms old: read again
    assert compute.calls == 2


def test_cache_keeps_each_period_apart_and_only_the_newest_periods() -> None:
    cache, compute = FiguresCache(max_age_ms=10_000, size=2), Counting()
    first = cache.get((0, 1), 1_000, compute)
    assert cache.get((0, 2), 1_000, compute) is not first
    cache.get((0, 3), 1_000, compute)  # evicts (0, 1), the oldest
    assert compute.calls == 3
    cache.get((0, 1), 1_000, compute)
    assert compute.calls == 4


def test_max_age_zero_computes_every_time() -> None:
    cache, compute = FiguresCache(max_age_ms=0), Counting()
    for _ in range(3):
        cache.get((0, 1), 1_000, compute)
    assert compute.calls == 3


def test_transparency_answers_from_the_cache_until_the_max_age_then_the_new_figures(
    db_url: str, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    clock = Clock()
    settings = make_settings(db_url, staff_keys, transparency_max_age_ms=MAX_AGE_MS)
    app = create_app(settings, matcher=FakeMatcher(THRESHOLD), clock=clock)
    with TestClient(app) as http:
        server = InProcessServer(http, app.state.ctx, clock, staff_keys)
        alice = server.user("alice")
        upload(alice, fake_voucher(0))
        before = alice.transparency()
        upload(alice, fake_voucher(0))
        cached = alice.transparency()
        assert cached == before  # the second upload is not shown yet
        clock.offset_ms += MAX_AGE_MS
        fresh = alice.transparency()
    app.state.ctx.storage.close()
    assert before["figures"]["vouchers_received"] == 1
    assert fresh["figures"]["vouchers_received"] == 2
    assert fresh["computed_at_ms"] >= before["computed_at_ms"] + MAX_AGE_MS
