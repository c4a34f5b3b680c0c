"""Releases over the API: the current release verifies on a device, and a delta from an
earlier release of the chain turns it into the current one."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from tests.hashset.source_helpers import make_orgs
from tests.reference_server.tpsi_world import PDQ, build_release_folder
from vouchsafe.imagegen import synthetic_images
from vouchsafe.sdk.release import apply_delta, verify_release
from vouchsafe.server.app import create_app
from vouchsafe.server.settings import Settings

HASHES = [PDQ.hash_media(image).bits for image in synthetic_images(4, first_seed=500)]


def test_current_release_and_a_delta_from_the_previous_one(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    first = build_release_folder(tmp_path, HASHES[:3], name="r1", orgs=orgs)
    second = build_release_folder(tmp_path, HASHES, name="r2", previous=first, orgs=orgs)
    settings = Settings(
        db_url="memory:",
        release_dir=second,
        previous_release_dirs=(first,),
        schedule_interval_s=0,
        match_threshold=3,
    )
    with TestClient(create_app(settings)) as http:
        key = bytes.fromhex(http.get("/v1/releases/current/key").text)
        root = bytes.fromhex(http.get("/v1/releases/current/root").text)
        current = verify_release(
            http.get("/v1/releases/current").content, release_key=key, published_root=root, now=None
        )
        assert http.get("/v1/ready").json()["ready"] is True
        assert http.get("/v1/provider").json()["match_threshold"] == 3
        held = verify_release(
            (first / "release.pb").read_bytes(),
            release_key=key,
            published_root=bytes.fromhex((first / "release.root").read_text()),
            now=None,
        )
        delta = http.get(f"/v1/releases/deltas/{held.digest.hex()}")
        assert delta.status_code == 200
        updated = apply_delta(
            delta.content, held=held, release_key=key, published_root=root, now=current.created_at
        )
        assert updated.digest == current.digest and updated.entry_count == 4
        unknown = http.get("/v1/releases/deltas/" + "00" * 32)
        assert unknown.status_code == 404
        assert http.get("/v1/releases/current/server_key").status_code == 404
