"""DetectionClient end to end against a real release: the server opens only what it should.

A small release is built from benign corpus photos with the hash-set tooling (real PDQ, real
blinding); the device makes vouchers with the facade and the test plays the server with the
protocol's own server steps.
"""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.tpsi.conftest import TEST_ACCOUNT_ID
from vouchsafe.demo.images import sendable_copy, split_corpus
from vouchsafe.protocol import associated_data_pb2
from vouchsafe.sdk import DetectionClient, PreparedVoucher
from vouchsafe.sdk.errors import InvalidMedia, NoReleaseHeld, ReleaseSignatureInvalid
from vouchsafe.sdk.media.signal_types import PDQ
from vouchsafe.sdk.tpsi import process_voucher, recover_associated_data
from vouchsafe.sdk.tpsi.wire import decode_safety_voucher
from vouchsafe.server.hashset.blinding import default_blinder, hash_set_keys
from vouchsafe.server.hashset.build import build_release
from vouchsafe.server.hashset.bundle import load_release_bundle
from vouchsafe.server.hashset.demo import corpus_demo_sources, pdq_of_image
from vouchsafe.server.hashset.provenance import InclusionRule

THRESHOLD = 3


class Release:
    def __init__(self, directory: Path, known: list[Path], ordinary: list[Path]) -> None:
        self.directory = directory
        self.data = (directory / "release.pb").read_bytes()
        self.root = bytes.fromhex((directory / "release.root").read_text().strip())
        self.key = bytes.fromhex((directory / "release_key.pub").read_text().strip())
        bundle = load_release_bundle(directory)
        admitted = {bytes(bundle.entry(i).perceptual_hash) for i in range(bundle.entry_count)}
        self.known = [p for p in known if pdq_of_image(p) in admitted]
        self.ordinary = ordinary
        self.server_key = bundle.server_key
        self.blinded = bundle.blinded_hash_set()

    def client(self, **kwargs: object) -> DetectionClient:
        client = DetectionClient(  # type: ignore[misc]
            self.key,
            threshold=THRESHOLD,
            account_id=TEST_ACCOUNT_ID.decode(),
            synthetic_rate=0.0,
            **kwargs,  # type: ignore[arg-type]
        )
        client.install_release(self.data, self.root)
        return client


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Release:
    split = split_corpus(corpus_dir, 12, 4, seed=11)
    folder = tmp_path_factory.mktemp("release")
    now = int(time.time())
    sources = corpus_demo_sources(folder / "sources", list(split.known), now, withdraw=False)
    build_release(
        registry_path=sources.registry_path,
        source_paths=list(sources.source_paths),
        out_dir=folder / "release",
        rule=InclusionRule(),
        now=now,
        blinder=default_blinder(),
        key_function=hash_set_keys,
    )
    return Release(folder / "release", list(split.known), list(split.ordinary))


def _open(release: Release, vouchers: list[PreparedVoucher]) -> list[object]:
    opened = []
    for prepared in vouchers:
        voucher = decode_safety_voucher(prepared.safety_voucher, release.blinded.params)
        result = process_voucher(
            release.server_key, release.blinded, voucher, account_id=TEST_ACCOUNT_ID
        )
        if result is not None:
            opened.append(result)
    return opened


def test_past_threshold_the_server_recovers_full_hash_and_derivative(release: Release) -> None:
    client = release.client()
    rng = random.Random(5)
    copies = [sendable_copy(p, rng, modify=True) for p in release.known[: THRESHOLD + 1]]
    vouchers = [client.voucher_for_media(c) for c in copies]
    recovered = recover_associated_data(release.blinded.params, _open(release, vouchers))
    items = list(recovered.items)
    assert len(items) >= THRESHOLD
    for item in items:
        data = associated_data_pb2.AssociatedData.FromString(item.associated_data)
        assert data.signal_type == PDQ and len(data.perceptual_hash) == 32
        assert data.candidate_scheme and data.media_type == "image/jpeg"
        with Image.open(io.BytesIO(data.visual_derivative)) as derivative:
            assert derivative.mode == "L" and max(derivative.size) <= 64


def test_below_threshold_nothing_is_recovered(release: Release) -> None:
    client = release.client()
    rng = random.Random(6)
    copies = [sendable_copy(p, rng, modify=True) for p in release.known[: THRESHOLD - 1]]
    recovered = recover_associated_data(
        release.blinded.params, _open(release, [client.voucher_for_media(c) for c in copies])
    )
    assert list(recovered.items) == []


def test_ordinary_photos_do_not_open(release: Release) -> None:
    client = release.client()
    rng = random.Random(7)
    vouchers = [
        client.voucher_for_media(sendable_copy(p, rng, modify=False)) for p in release.ordinary
    ]
    assert _open(release, vouchers) == []


def test_same_bytes_give_the_same_item_id_and_a_restored_secret_agrees(release: Release) -> None:
    client = release.client()
    photo = sendable_copy(release.ordinary[0], random.Random(1), modify=False)
    assert client.item_id(photo) == client.item_id(photo)
    restored = release.client(account_secret=client.account_secret)
    assert restored.item_id(photo) == client.item_id(photo)
    assert release.client().item_id(photo) != client.item_id(photo)
    first, second = client.voucher_for_media(photo), client.voucher_for_media(photo)
    assert first.voucher_id != second.voucher_id  # fresh randomness per voucher


def test_no_release_and_bad_media_are_typed_errors(release: Release) -> None:
    fresh = DetectionClient(release.key, threshold=THRESHOLD, account_id="a")
    with pytest.raises(NoReleaseHeld):
        fresh.voucher_for_media(b"\xff\xd8\xff")
    with pytest.raises(InvalidMedia):
        release.client().voucher_for_media(b"this is not an image")


def test_release_signed_by_another_key_is_refused(release: Release) -> None:
    from vouchsafe.sdk.crypto import ed25519

    other_key = ed25519.public_key(ed25519.generate_private_key())
    other = DetectionClient(other_key, threshold=THRESHOLD, account_id="a")
    with pytest.raises(ReleaseSignatureInvalid):
        other.install_release(release.data, release.root)
    assert other.release_id == ""


def test_secret_never_printed(release: Release) -> None:
    client = release.client()
    assert client.account_secret.hex() not in repr(client)
