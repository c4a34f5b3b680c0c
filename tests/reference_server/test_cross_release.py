"""Vouchers of an earlier release on the reference server (SPEC.md R.7).

The server runs release 2 with release 1 as ``--previous-release-dir``. A device makes two
matching vouchers under release 1, moves its account to release 2
(``AccountKeys.for_release``) and makes one more: the three count toward one threshold of 3
and all three reach review; the same item sent again under release 2 counts once. A voucher
naming a release the server does not hold is refused (``voucher_release_unknown``), and one of
an earlier release past its expiry plus the grace period too (``voucher_release_expired``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.hashset.source_helpers import make_orgs
from tests.reference_server.conftest import Clock, InProcessServer, make_settings
from tests.reference_server.tpsi_world import PDQ, THRESHOLD, build_release_folder
from tests.tpsi.conftest import TEST_ACCOUNT_ID
from vouchsafe.imagegen import synthetic_images
from vouchsafe.protocol import associated_data_pb2
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk import CANDIDATE_SCHEME, psi_candidates
from vouchsafe.sdk.errors import ParamsMismatchError, ServerRejected
from vouchsafe.sdk.release import verify_release
from vouchsafe.sdk.tpsi import (
    AccountKeys,
    BlindedHashSet,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    wire,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.server.app import create_app
from vouchsafe.server.errors import status_for
from vouchsafe.server.hashset.bundle import load_release_bundle
from vouchsafe.server.hashset.updates import VoucherReleaseExpired
from vouchsafe.server.pipeline.bundle import load_matcher
from vouchsafe.server.pipeline.tpsi_matcher import MatcherRelease, TpsiMatcher

IMAGES = list(synthetic_images(4, first_seed=700))
HASHES = [PDQ.hash_media(image).bits for image in IMAGES]


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cross-release")
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    first = build_release_folder(root, HASHES[:3], name="r1", orgs=orgs)
    second = build_release_folder(root, HASHES, name="r2", previous=first, orgs=orgs)
    return first, second


def _blinded(folder: Path) -> BlindedHashSet:
    release = verify_release(
        (folder / "release.pb").read_bytes(),
        release_key=bytes.fromhex((folder / "release_key.pub").read_text()),
        published_root=bytes.fromhex((folder / "release.root").read_text()),
        now=None,
    )
    return BlindedHashSet(wire.decode_server_params(release.server_params), release.table)


def _voucher(
    account: AccountKeys, blinded: BlindedHashSet, index: int, account_id: str = "alice"
) -> tuple[bytes, bytes]:
    result = PDQ.hash_media(IMAGES[index])
    ad = associated_data_pb2.AssociatedData(
        version=1,
        signal_type=result.signal_type,
        perceptual_hash=result.bits,
        quality=result.quality,
        candidate_scheme=CANDIDATE_SCHEME,
        media_type="image/png",
    ).SerializeToString()
    voucher = generate_voucher(
        account,
        blinded,
        candidate_hashes=psi_candidates(result),
        item_id=b"photo-%d" % index,
        associated_data=ad,
        account_id=account_id.encode(),
        schedule=SyntheticSchedule.never(),
    )
    return wire.voucher_id(voucher), wire.encode_safety_voucher(voucher)


@pytest.fixture
def server(
    tmp_path: Path, releases: tuple[Path, Path], staff_keys: dict[str, Ed25519PrivateKey]
) -> Iterator[InProcessServer]:
    first, second = releases
    settings = make_settings(
        f"sqlite:///{tmp_path / 'server.db'}",
        staff_keys,
        release_dir=second,
        previous_release_dirs=(first,),
        match_threshold=THRESHOLD,
    )
    clock = Clock()
    app = create_app(settings, clock=clock)
    with TestClient(app) as http:
        yield InProcessServer(http, app.state.ctx, clock, staff_keys)


def test_matches_under_two_releases_count_toward_one_threshold(
    server: InProcessServer, releases: tuple[Path, Path]
) -> None:
    r1, r2 = (_blinded(folder) for folder in releases)
    assert THRESHOLD == 3
    alice = server.user("alice")
    reviewer = server.staff("reviewer1")
    account = new_account(r1.params, threshold=THRESHOLD)
    for index in (0, 1):  # t - 1 matches under release 1
        alice.upload_voucher(*_voucher(account, r1, index, alice.account_id))
    moved = account.for_release(r2.params)
    alice.upload_voucher(*_voucher(moved, r2, 0, alice.account_id))  # the same photo, release 2
    assert reviewer.review_queue() == []  # counted once: still t - 1 distinct matches
    alice.upload_voucher(*_voucher(moved, r2, 2, alice.account_id))  # one match, release 2
    queue = reviewer.review_queue()
    assert len(queue) == THRESHOLD
    assert {item.item_id for item in queue} == {(b"photo-%d" % i).hex() for i in range(3)}
    assert {item.account_id for item in queue} == {alice.account_id}


def test_voucher_of_a_release_the_server_does_not_hold_is_refused(
    server: InProcessServer, releases: tuple[Path, Path]
) -> None:
    r2 = _blinded(releases[1])
    account = new_account(r2.params, threshold=THRESHOLD)
    voucher = generate_voucher(
        account,
        r2,
        candidate_hashes=psi_candidates(PDQ.hash_media(IMAGES[0])),
        item_id=b"photo",
        associated_data=b"",
        account_id=TEST_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    stray = dataclasses.replace(voucher, params_digest=bytes(32))
    alice = server.user("alice")
    with pytest.raises(ServerRejected) as refused:
        alice.upload_voucher(wire.voucher_id(stray), wire.encode_safety_voucher(stray))
    assert refused.value.server_code == "voucher_release_unknown"
    assert refused.value.field == "params_digest"
    assert refused.value.status == status_for("voucher_release_unknown") == 400


def test_voucher_of_an_earlier_release_is_refused_after_its_window(
    releases: tuple[Path, Path],
) -> None:
    first, second = releases
    r1, r2 = _blinded(first), _blinded(second)
    grace_ms = 1000
    now = {"ms": 0}
    matcher, _ = load_matcher(
        second, THRESHOLD, (first,), grace_ms=grace_ms, clock=lambda: now["ms"]
    )
    expires_ms = load_release_bundle(first).release.expires_at * 1000
    account = new_account(r1.params, threshold=THRESHOLD)
    _, old = _voucher(account, r1, 0)
    _, new = _voucher(account.for_release(r2.params), r2, 1)
    now["ms"] = expires_ms + grace_ms  # last moment of the window
    assert matcher.outer_step(old, "alice") is not None
    now["ms"] = expires_ms + grace_ms + 1
    with pytest.raises(VoucherReleaseExpired) as refused:
        matcher.outer_step(old, "alice")
    assert refused.value.code == "voucher_release_expired"
    assert refused.value.field == "params_digest"
    assert matcher.voucher_id(old)  # a retried upload can still be matched to its receipt
    assert matcher.outer_step(new, "alice") is not None  # the current release has no end


def test_server_refuses_to_hold_an_incompatible_earlier_release() -> None:
    rng = SeededRandomness(b"incompatible")
    key = generate_server_keys(rng=rng)
    known = [rng.random_bytes(32) for _ in range(8)]
    current = blind_hash_set(key, known, synthetic_max=8, padded_associated_data_length=64, rng=rng)
    other = blind_hash_set(key, known, synthetic_max=9, padded_associated_data_length=64, rng=rng)
    earlier = MatcherRelease(key, other, "v1-other", accept_until_ms=2**62)
    with pytest.raises(ParamsMismatchError) as refused:
        TpsiMatcher(key, current, THRESHOLD, "v2", previous=(earlier,))
    assert refused.value.field == "synthetic_max"
