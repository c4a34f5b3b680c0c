"""Past threshold, only matches passing both checks reach review; failures are logged, counted."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.reference_server.conftest import (
    KNOWN_HASH,
    THRESHOLD,
    Clock,
    InProcessServer,
    make_settings,
)
from tests.reference_server.fakes import MAGIC, FakeMatcher, associated_data, upload
from vouchsafe.imagegen import synthetic_image
from vouchsafe.sdk.visual_derivative import visual_derivative
from vouchsafe.server.app import create_app
from vouchsafe.server.confirmation.key import generate_confirmation_key
from vouchsafe.server.confirmation.keyed_hash import (
    CONFIRMATION_MATCH_DISTANCE,
    ConfirmationHasher,
    split_listing,
)
from vouchsafe.server.pipeline.matching import ConfirmationEntry, ListEntryIndex

KNOWN = synthetic_image(3, (320, 240))


def _voucher(derivative: bytes) -> bytes:
    return MAGIC + b"\x01" + secrets.token_bytes(16) + associated_data(KNOWN_HASH, derivative)


@pytest.fixture
def keyed_server(
    tmp_path: Path, staff_keys: dict[str, Ed25519PrivateKey]
) -> Iterator[InProcessServer]:
    hasher = ConfirmationHasher(generate_confirmation_key())
    listed = split_listing(hasher.listing(KNOWN))
    entries = ListEntryIndex((ConfirmationEntry("entry-1", "pdq", KNOWN_HASH, listed),), hasher)
    clock = Clock()
    app = create_app(
        make_settings(f"sqlite:///{tmp_path / 'server.db'}", staff_keys),
        matcher=FakeMatcher(THRESHOLD),
        entries=entries,
        clock=clock,
    )
    with TestClient(app) as http:
        yield InProcessServer(http, app.state.ctx, clock, staff_keys)


def test_pdq_forgeries_fail_the_keyed_check_and_are_logged_and_counted(
    keyed_server: InProcessServer,
) -> None:
    alice = keyed_server.user("alice")
    genuine = visual_derivative(KNOWN)
    upload(alice, _voucher(genuine))
    # Forgeries: the known item's PDQ hash, other pictures' derivatives.
    for seed in range(10, 10 + THRESHOLD):
        upload(alice, _voucher(visual_derivative(synthetic_image(seed, (320, 240)))))
    queue = keyed_server.staff("reviewer1").review_queue()
    assert len(queue) == 1  # the genuine re-share only
    assert queue[0].second_check == "passed"
    with keyed_server.ctx.storage.transaction() as tx:
        entries = tx.audit.entries(limit=1000)
    failed = [json.loads(e.payload) for e in entries if e.kind == "confirmation_failed"]
    assert len(failed) == THRESHOLD
    assert {f["check"] for f in failed} == {"keyed-derivative"}
    assert {f["entry_id"] for f in failed} == {"entry-1"}
    figures = alice.transparency()["figures"]
    assert figures["confirmation_failed"] == THRESHOLD
    assert figures["reviews_queued"] == 1
    assert figures["reviews_queued_second_check_unavailable"] == 0
    # The reviewer's item page shows both distances (issue 17: "both confirmation distances").
    from tests.reference_server.console_helpers import sign_in

    client = sign_in(keyed_server, keyed_server.staff_keys["reviewer1"])
    page = client.get(f"/console/review/{queue[0].review_id}").text
    assert "distance 0 of 256 bits (match at ≤ 31)" in page
    assert f"passed: distance 0 of 256 bits (match at ≤ {CONFIRMATION_MATCH_DISTANCE})" in page


def test_without_listed_confirmation_hashes_review_items_say_the_check_was_unavailable(
    server: InProcessServer,
) -> None:
    alice = server.user("alice")
    for seed in range(THRESHOLD):
        upload(alice, _voucher(visual_derivative(synthetic_image(seed))))
    queue = server.staff("reviewer1").review_queue()
    assert len(queue) == THRESHOLD
    assert {item.second_check for item in queue} == {"unavailable"}
    figures = alice.transparency()["figures"]
    assert figures["reviews_queued_second_check_unavailable"] == THRESHOLD
    assert figures["confirmation_failed"] == 0
