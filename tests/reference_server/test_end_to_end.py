"""End to end over real HTTP on loopback: the server runs in a child process (``vouchsafe
server``) on a release built from signed benign source lists (PDQ hashes of generated benign
images) and blinded by ``vouchsafe.sdk.tpsi``; devices hash their photos with the SDK (PDQ, PSI
candidates), build real safety vouchers with ``vouchsafe.sdk.tpsi`` and upload them through the API.

Read as a transcript: who sent what, what the reviewers saw, what reached the authority.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from tests.reference_server.tpsi_world import (
    PDQ,
    THRESHOLD,
    Device,
    build_release_folder,
    fetch_blinded_hash_set,
    resaved,
    review_queue_of,
    server_args,
    write_staff_file,
)
from vouchsafe.demo.server_process import ServerProcess
from vouchsafe.imagegen import synthetic_images
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.api.provider_signatures import verify_signed_report
from vouchsafe.sdk.tpsi import BlindedHashSet
from vouchsafe.server.storage import open_storage

# Benign generated images play the "known" items; others are ordinary photos.
KNOWN_IMAGES = synthetic_images(5, first_seed=700)
OTHER_IMAGES = synthetic_images(8, first_seed=900)
KNOWN = [PDQ.hash_media(image).bits for image in KNOWN_IMAGES]


@dataclass
class World:
    server: ServerProcess
    db_url: str
    staff: dict[str, Ed25519PrivateKey]
    blinded: BlindedHashSet
    provider_key: Path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """``vouchsafe server`` on SQLite, then on PostgreSQL (``--workers 2`` there)."""
    root = tmp_path_factory.mktemp("e2e")
    release_dir = build_release_folder(root, KNOWN)
    staff, staff_file = write_staff_file(root)
    args = server_args(release_dir, staff_file)
    if request.param == "sqlite":
        db_url, key = f"sqlite:///{root / 'server.db'}", root / "server.db.provider-key"
    else:
        db_url = request.getfixturevalue("postgres_server").fresh_database()
        key = root / "provider.key"
        args += ["--workers", "2", "--provider-key", str(key)]
    with ServerProcess(db_url, root / "server.log", args) as s:
        yield World(s, db_url, staff, fetch_blinded_hash_set(s.url), key)


def _nearest(item: api_pb2.ReviewItem) -> bytes:
    return min(KNOWN, key=lambda known: PDQ.distance(known, item.perceptual_hash))


def _staff(world: World, name: str) -> ApiClient:
    return ApiClient(world.server.url, world.staff[name])


def test_the_whole_lifecycle_over_http(world: World) -> None:
    reviewer1, reviewer2 = _staff(world, "reviewer1"), _staff(world, "reviewer2")
    authority, auditor = _staff(world, "authority"), _staff(world, "auditor")
    provider_key = reviewer1.provider().public_key

    # bob sends THRESHOLD - 1 known photos and some ordinary ones (synthetic vouchers on).
    bob = Device.register(world.server.url, world.blinded, "bob", synthetic_rate=None)
    for image in KNOWN_IMAGES[: THRESHOLD - 1]:
        bob.send_photo(image).verify(provider_key)
    for image in OTHER_IMAGES[:4]:
        bob.send_photo(image)
    assert reviewer1.review_queue() == []  # below threshold: reviewers see nothing

    # alice sends THRESHOLD known photos (no synthetic vouchers, so every one is a real match).
    alice = Device.register(world.server.url, world.blinded, "alice", synthetic_rate=0.0)
    alice.send_photo(KNOWN_IMAGES[0])
    for image in KNOWN_IMAGES[1:THRESHOLD]:
        alice.send_photo(resaved(image))
    alice.send_photo(OTHER_IMAGES[4])
    queue = review_queue_of(reviewer1, THRESHOLD)
    queue = sorted(queue, key=lambda item: KNOWN.index(_nearest(item)))
    assert {item.account_id for item in queue} == {alice.api.account_id}
    assert [_nearest(item) for item in queue] == KNOWN[:THRESHOLD]
    assert queue[0].match_distance == 0
    assert all(item.match_distance <= 31 for item in queue)
    revealed = [reviewer1.reveal(i.review_id).visual_derivative for i in queue]
    assert all(Image.open(io.BytesIO(d)).size == (32, 32) for d in revealed)

    # reviewer1 confirms one; the signed report reaches the authority, which forwards it.
    reviewer1.reveal(queue[0].review_id)
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


def _audit_verify(world: World) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vouchsafe", "audit", "verify", "--db", world.db_url]
    command += ["--provider-key", str(world.provider_key)]  # pinned
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_audit_verify_passes_then_fails_after_an_edit(world: World, tmp_path: Path) -> None:
    ok = _audit_verify(world)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # An operator with database access edits entry 5 (then puts it back).
    storage = open_storage(world.db_url)
    with storage.transaction() as tx:
        (original,) = tx.tx.select("audit_log", [("seq", "=", 5)])
        tx.tx.update("audit_log", (5,), {"payload": "{}"})
    try:
        broken = _audit_verify(world)
    finally:
        with storage.transaction() as tx:
            tx.tx.update("audit_log", (5,), {"payload": original.payload})
        storage.close()
    assert broken.returncode == 1
    assert "BROKEN at entry 5" in broken.stdout


def test_staff_command_line_reviews_and_disposes(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vouchsafe.cli import main

    carol = Device.register(world.server.url, world.blinded, "carol", synthetic_rate=0.0)
    for image in KNOWN_IMAGES[2 : 2 + THRESHOLD]:
        carol.send_photo(image)
    keys = {}
    for name in ("reviewer2", "authority", "auditor"):
        keys[name] = tmp_path / f"{name}.key"
        keys[name].write_bytes(world.staff[name].private_bytes_raw())
    server = ["--server", world.server.url]

    review_queue_of(ApiClient(world.server.url, world.staff["reviewer2"]), THRESHOLD)
    staff_args = [*server, "--key", str(keys["reviewer2"])]
    assert main(["staff", "queue", *staff_args]) == 0
    listed = capsys.readouterr().out
    review_ids = [line.split()[0] for line in listed.splitlines() if line.startswith("rv_")]
    assert len(review_ids) == THRESHOLD
    assert list(tmp_path.glob("**/rv_*.png")) == []  # listing hands out no derivative
    # Confirming an item whose derivative was never revealed is refused (exit 2), and
    # the refusal changes nothing: the item stays in the queue.
    assert main(["staff", "decide", *staff_args, review_ids[0], "--confirmed"]) == 2
    assert "derivative_not_viewed" in capsys.readouterr().err
    assert main(["staff", "queue", *staff_args]) == 0
    assert review_ids[0] in capsys.readouterr().out
    reveal = ["staff", "reveal", *staff_args, review_ids[0], "--out", str(tmp_path / "r")]
    assert main(reveal) == 0
    assert len(list((tmp_path / "r").glob("rv_*.png"))) == 1
    capsys.readouterr()
    decide = ["staff", "decide", *staff_args, review_ids[0], "--confirmed", "--notes", "checked"]
    assert main(decide) == 0
    report_id = capsys.readouterr().out.split("report ")[1].split()[0]
    assert main(["staff", "reports", *server, "--key", str(keys["authority"])]) == 0
    assert f"{report_id}  delivered" in capsys.readouterr().out
    assert (
        main(
            ["staff", "dispose", *server, "--key", str(keys["authority"]), report_id, "--unfounded"]
        )
        == 2
    )
    assert (
        main(
            [
                "staff",
                "dispose",
                *server,
                "--key",
                str(keys["authority"]),
                report_id,
                "--unfounded",
                "--reason",
                "landscape",
            ]
        )
        == 0
    )
    assert "MANIFESTLY_UNFOUNDED" in capsys.readouterr().out
    assert main(["staff", "audit", *server, "--key", str(keys["auditor"])]) == 0
    assert main(["staff", "audit", *server, "--key", str(keys["reviewer2"])]) == 2  # forbidden
    carol.api.close()
