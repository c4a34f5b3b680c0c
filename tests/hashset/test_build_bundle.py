"""A build writes a release devices accept and a private bundle the server loads."""

from __future__ import annotations

import os
from pathlib import Path

from tests.hashset.source_helpers import ISSUED_AT, make_orgs, write_lists
from tests.hashset.stand_in import StandInBlinder, stand_in_keys
from vouchsafe.sdk.release import ReleaseHolder
from vouchsafe.server.hashset.build import build_release
from vouchsafe.server.hashset.bundle import (
    BUILD_SEED_FILE,
    PRIVATE_DIR,
    RELEASE_FILE,
    SERVER_KEY_FILE,
    load_release_bundle,
)
from vouchsafe.server.hashset.provenance import InclusionRule

H = [bytes([i]) * 32 for i in range(1, 6)]
NOW = ISSUED_AT + 100


def _build(
    tmp_path: Path,
    name: str,
    listings: dict[str, list[tuple[str, bytes]]],
    previous: Path | None = None,
    orgs: list | None = None,
):  # type: ignore[no-untyped-def,type-arg]
    orgs = orgs or make_orgs(("a", "DE"), ("b", "FR"), ("c", "NL"))
    src = tmp_path / f"src-{name}"
    src.mkdir()
    registry, paths = write_lists(src, orgs, listings)
    return build_release(
        registry_path=registry,
        source_paths=paths,
        out_dir=tmp_path / name,
        rule=InclusionRule(),
        previous=previous,
        now=NOW,
        blinder=StandInBlinder(),
        key_function=stand_in_keys,
    ), orgs


def test_built_release_is_accepted_by_a_device_and_holds_no_server_key(tmp_path: Path) -> None:
    result, _ = _build(tmp_path, "r1", {"a": [("add", H[0]), ("add", H[1])], "b": [("add", H[0])]})
    out = result.directory
    data = (out / RELEASE_FILE).read_bytes()
    server_key = (out / PRIVATE_DIR / SERVER_KEY_FILE).read_bytes()
    assert server_key not in data
    assert (out / PRIVATE_DIR / SERVER_KEY_FILE).stat().st_mode & 0o077 == 0
    pub = bytes.fromhex((out / "release_key.pub").read_text())
    holder = ReleaseHolder(pub, clock=lambda: NOW)
    held = holder.install(data, bytes.fromhex((out / "release.root").read_text()))
    assert held.entry_count == 1 and held.version == 1
    assert result.selection.exclusions["too_few_organisations"] == 1


def test_bundle_finds_entries_within_pdq_distance_with_provenance(tmp_path: Path) -> None:
    result, _ = _build(tmp_path, "r1", {"a": [("add", H[2])], "c": [("add", H[2])]})
    loaded = load_release_bundle(result.directory)
    assert loaded.entry_count == 1
    near = bytearray(H[2])
    near[0] ^= 0xFF
    near[1] ^= 0x0F  # 12 bits away
    (match,) = loaded.find_entries("pdq", bytes(near))
    assert match.distance == 12 and match.entry.perceptual_hash == H[2]
    assert {x.organisation for x in match.entry.listings} == {"a", "c"}
    far = bytes(b ^ 0xFF for b in H[2])
    assert loaded.find_entries("pdq", far) == []


def test_next_release_keeps_release_key_draws_fresh_server_key(tmp_path: Path) -> None:
    first, orgs = _build(
        tmp_path, "r1", {"a": [("add", H[0]), ("add", H[1])], "b": [("add", H[0]), ("add", H[1])]}
    )
    second, _ = _build(
        tmp_path,
        "r2",
        {
            "a": [("add", H[0]), ("add", H[1])],
            "b": [("add", H[0]), ("add", H[1])],
            "c": [("withdraw", H[1])],
        },
        previous=first.directory,
        orgs=orgs,
    )
    assert second.release.slot_count > 0
    r1, r2 = load_release_bundle(first.directory), load_release_bundle(second.directory)
    assert r2.release.version == 2 and r2.release.previous_release_digest == r1.release.digest
    assert r2.server_key_bytes != r1.server_key_bytes
    assert r2.release.params.blinding_public != r1.release.params.blinding_public
    assert (r1.entry_count, r2.entry_count) == (2, 1)
    assert r2.find_entries("pdq", H[1]) == [] and second.selection.exclusions["withdrawn"] == 1
    pub = bytes.fromhex((first.directory / "release_key.pub").read_text())
    holder = ReleaseHolder(pub, clock=lambda: NOW)
    holder.install((first.directory / RELEASE_FILE).read_bytes(), r1.release.root)
    assert (
        holder.install((second.directory / RELEASE_FILE).read_bytes(), r2.release.root).version == 2
    )


def test_build_seed_is_guarded_like_the_server_key(tmp_path: Path) -> None:
    # A previous build left the private folder and its secrets world-readable (e.g. copied with
    # a permissive umask); a rebuild into the same folder must narrow them, not keep them.
    private = tmp_path / "r1" / PRIVATE_DIR
    private.mkdir(parents=True, mode=0o755)
    os.chmod(private, 0o755)
    for name in (BUILD_SEED_FILE, SERVER_KEY_FILE):
        (private / name).write_bytes(b"stale")
        os.chmod(private / name, 0o644)
    result, _ = _build(tmp_path, "r1", {"a": [("add", H[0])], "b": [("add", H[0])]})
    seed = (private / BUILD_SEED_FILE).read_bytes()
    assert len(seed) == 32
    assert private.stat().st_mode & 0o077 == 0
    for name in (BUILD_SEED_FILE, SERVER_KEY_FILE):
        assert (private / name).stat().st_mode & 0o077 == 0
    public = [p for p in result.directory.iterdir() if p.is_file()]
    assert {p.name for p in public} >= {RELEASE_FILE, "release.json", "release.root"}
    for path in public:
        data = path.read_bytes()
        assert seed not in data and seed.hex().encode() not in data
