"""End to end over real HTTP on loopback: the server runs in a child process (``vouchsafe
server``) on a release built from signed benign source lists (PDQ hashes of generated benign
images) and blinded by ``sdk.tpsi``; devices hash their photos with the SDK (PDQ, PSI
candidates), build real safety vouchers with ``sdk.tpsi`` and upload them through the API.

Read as a transcript: who sent what, what the reviewers saw, what reached the authority.
"""

from __future__ import annotations

import io
import json
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from protocol import api_pb2, associated_data_pb2
from protocol.api_client import ApiClient
from protocol.provider_signatures import verify_receipt, verify_signed_report
from reference_server.hashset.blinding import BlindedTable
from reference_server.hashset.build import build_release
from reference_server.hashset.provenance import InclusionRule
from sdk import CANDIDATE_SCHEME, get_signal_type, psi_candidates
from sdk.media.candidates import MAX_CANDIDATES
from sdk.release import verify_release
from sdk.tpsi import (
    CIPHERSUITE,
    AccountKeys,
    BlindedHashSet,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    wire,
)
from tests.hashset.source_helpers import ISSUED_AT, make_orgs, write_lists
from vouchsafe.demo.server_process import ServerProcess
from vouchsafe.imagegen import synthetic_images

THRESHOLD = 3
PDQ = get_signal_type("pdq")
# Benign generated images play the "known" items; others are ordinary photos.
KNOWN_IMAGES = synthetic_images(5, first_seed=700)
OTHER_IMAGES = synthetic_images(8, first_seed=900)
KNOWN = [PDQ.hash_media(image).bits for image in KNOWN_IMAGES]


def derivative_png(image: Image.Image) -> bytes:
    """A small low-resolution grey rendering, as the messenger attaches for review."""
    out = io.BytesIO()
    image.convert("L").resize((32, 32)).save(out, format="PNG")
    return out.getvalue()


def resaved(image: Image.Image) -> Image.Image:
    """The same photo after a lossy re-encode (its PDQ hash moves a few bits)."""
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=70)
    return Image.open(io.BytesIO(out.getvalue()))


class TpsiBlinder:
    """The protocol core's blinding for build_release (until the hash-set seam ships its own)."""

    @property
    def ciphersuite(self) -> str:
        return CIPHERSUITE

    def generate_server_key(self) -> bytes:
        return wire.encode_server_key(generate_server_keys())

    def blind(
        self, server_key: bytes, psi_keys: Sequence[bytes], build_seed: bytes
    ) -> BlindedTable:
        del build_seed  # this test's tables come from the OS generator (not re-derivable)
        blinded = blind_hash_set(
            wire.decode_server_key(server_key), psi_keys, max_candidates=MAX_CANDIDATES
        )
        return BlindedTable(wire.encode_server_params(blinded.params), blinded.table)


@dataclass
class World:
    server: ServerProcess
    db_path: Path
    staff: dict[str, Ed25519PrivateKey]
    blinded: BlindedHashSet


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("e2e")
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    registry, lists = write_lists(root, orgs, {o.name: [("add", h) for h in KNOWN] for o in orgs})
    release_dir = root / "release"
    build_release(
        registry_path=registry,
        source_paths=lists,
        out_dir=release_dir,
        rule=InclusionRule(),
        now=ISSUED_AT + 10,
        blinder=TpsiBlinder(),
    )
    staff = {
        n: Ed25519PrivateKey.generate() for n in ("reviewer1", "reviewer2", "authority", "auditor")
    }
    roles = {
        "reviewer1": "reviewer",
        "reviewer2": "reviewer",
        "authority": "authority",
        "auditor": "auditor",
    }
    staff_file = root / "staff.json"
    staff_file.write_text(
        json.dumps(
            [
                {"name": n, "role": roles[n], "public_key": k.public_key().public_bytes_raw().hex()}
                for n, k in staff.items()
            ]
        )
    )
    db_path = root / "server.db"
    server = ServerProcess(
        db_path,
        root / "server.log",
        [
            "--release-dir",
            str(release_dir),
            "--staff-keys",
            str(staff_file),
            "--match-threshold",
            str(THRESHOLD),
            "--schedule-interval",
            "0",
        ],
    )
    with server:
        # The device side gets the release over the API, verifies it and reads the blinded set.
        device_http = ApiClient(server.url, Ed25519PrivateKey.generate())
        release = verify_release(
            device_http.http.get("/v1/releases/current").content,
            release_key=bytes.fromhex(device_http.http.get("/v1/releases/current/key").text),
            published_root=bytes.fromhex(device_http.http.get("/v1/releases/current/root").text),
            now=None,
        )
        blinded = BlindedHashSet(wire.decode_server_params(release.server_params), release.table)
        device_http.close()
        yield World(server, db_path, staff, blinded)


class Device:
    """A user's phone: an account key for the API and a tPSI account for vouchers."""

    def __init__(self, world: World, handle: str, synthetic_rate: float | None) -> None:
        self.api = ApiClient(world.server.url, Ed25519PrivateKey.generate())
        self.api.register(handle=handle)
        self.blinded = world.blinded
        self.account: AccountKeys = new_account(
            world.blinded.params, threshold=THRESHOLD, synthetic_rate=synthetic_rate
        )

    def send_photo(self, image: Image.Image) -> api_pb2.VoucherReceipt:
        result = PDQ.hash_media(image)
        ad = associated_data_pb2.AssociatedData(
            version=1,
            signal_type=result.signal_type,
            perceptual_hash=result.bits,
            quality=result.quality,
            candidate_scheme=CANDIDATE_SCHEME,
            visual_derivative=derivative_png(image),
            visual_derivative_type="image/png",
            media_type="image/jpeg",
        ).SerializeToString()
        voucher = generate_voucher(
            self.account,
            self.blinded,
            candidate_hashes=psi_candidates(result),
            item_id=secrets.token_bytes(16),
            associated_data=ad,
        )
        return self.api.upload_voucher(
            wire.voucher_id(voucher), wire.encode_safety_voucher(voucher)
        )


def _nearest(item: api_pb2.ReviewItem) -> bytes:
    return min(KNOWN, key=lambda known: PDQ.distance(known, item.perceptual_hash))


def _staff(world: World, name: str) -> ApiClient:
    return ApiClient(world.server.url, world.staff[name])


def test_the_whole_lifecycle_over_http(world: World) -> None:
    reviewer1, reviewer2 = _staff(world, "reviewer1"), _staff(world, "reviewer2")
    authority, auditor = _staff(world, "authority"), _staff(world, "auditor")
    provider_key = bytes.fromhex(reviewer1.provider()["provider_public_key"])

    # bob sends THRESHOLD - 1 known photos and some ordinary ones (synthetic vouchers on).
    bob = Device(world, "bob", synthetic_rate=None)
    for image in KNOWN_IMAGES[: THRESHOLD - 1]:
        verify_receipt(bob.send_photo(image), provider_key)
    for image in OTHER_IMAGES[:4]:
        bob.send_photo(image)
    assert reviewer1.review_queue() == []  # below threshold: reviewers see nothing

    # alice sends THRESHOLD known photos (no synthetic vouchers, so every one is a real match).
    alice = Device(world, "alice", synthetic_rate=0.0)
    alice.send_photo(KNOWN_IMAGES[0])
    for image in KNOWN_IMAGES[1:THRESHOLD]:
        alice.send_photo(resaved(image))
    alice.send_photo(OTHER_IMAGES[4])
    queue = sorted(reviewer1.review_queue(), key=lambda item: KNOWN.index(_nearest(item)))
    assert {item.account_id for item in queue} == {alice.api.account_id}
    assert [_nearest(item) for item in queue] == KNOWN[:THRESHOLD]
    assert queue[0].match_distance == 0
    assert all(item.match_distance <= 31 for item in queue)
    assert all(Image.open(io.BytesIO(i.visual_derivative)).size == (32, 32) for i in queue)

    # reviewer1 confirms one; the signed report reaches the authority, which forwards it.
    decision = reviewer1.decide(queue[0].review_id, True, notes="matches the listed item")
    (entry,) = authority.reports()
    report = verify_signed_report(entry.signed_report, provider_key)
    assert report.account_id == alice.api.account_id and report.account_action == "suspended"
    assert authority.dispose(decision.report_id, True).status == api_pb2.REPORT_STATUS_FORWARDED
    for item in queue[1:]:
        reviewer1.decide(item.review_id, False, notes="not what the list says")

    # alice is told, appeals; reviewer2 (not reviewer1) upholds it.
    assert [n.kind for n in alice.api.notifications()] == ["account_suspended"]
    appeal = alice.api.file_appeal(decision.report_id, "these are my own photos")
    assert reviewer1.review_queue() == []
    (appeal_item,) = reviewer2.review_queue()
    assert appeal_item.appeal_id == appeal.appeal_id
    reviewer2.decide(appeal_item.review_id, False, notes="appeal upheld")
    assert alice.api.appeals()[0].status == api_pb2.APPEAL_STATUS_UPHELD
    assert alice.api.lookup(account_id=alice.api.account_id).status == api_pb2.ACCOUNT_STATUS_ACTIVE
    (retracted,) = authority.reports()
    assert retracted.status == api_pb2.REPORT_STATUS_RETRACTED

    # The figures add up.
    figures = auditor.transparency()["figures"]
    assert figures["vouchers_received"] == (THRESHOLD - 1) + 4 + THRESHOLD + 1
    assert figures["collisions_dropped"] == 0
    assert figures["accounts_past_threshold"] == 1
    assert figures["reviews_queued"] == THRESHOLD
    assert figures["reviews_confirmed"] == 1
    assert figures["reviews_not_confirmed"] == THRESHOLD - 1
    assert figures["reports_delivered"] == figures["reports_forwarded"] == 1
    assert figures["appeals_received"] == figures["appeals_upheld"] == 1
    assert figures["reports_retracted"] == figures["accounts_reinstated"] == 1
    assert auditor.audit_verify()["ok"] is True
    for client in (reviewer1, reviewer2, authority, auditor, alice.api, bob.api):
        client.close()


def test_audit_verify_passes_then_fails_after_an_edit(world: World, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with sqlite3.connect(world.db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    ok = subprocess.run(
        [sys.executable, "-m", "vouchsafe", "audit", "verify", "--db", url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE audit_log SET payload = '{}' WHERE seq = 5")
    broken = subprocess.run(
        [sys.executable, "-m", "vouchsafe", "audit", "verify", "--db", url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1
    assert "BROKEN at entry 5" in broken.stdout
