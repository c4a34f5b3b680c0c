"""The release build on every core (issue 18): the same bytes as the single-process build."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.hashset.source_helpers import ISSUED_AT, make_orgs, write_lists
from vouchsafe.sdk import release_commitment
from vouchsafe.sdk.crypto import ed25519
from vouchsafe.sdk.media.candidates import SCHEMES, hash_set_keys_batch
from vouchsafe.sdk.media.candidates import hash_set_keys as hash_set_keys_of
from vouchsafe.sdk.tpsi import cuckoo, server_setup
from vouchsafe.server.hashset import build
from vouchsafe.server.hashset.blinding import TpsiBlinder, hash_set_keys
from vouchsafe.server.hashset.build import build_release
from vouchsafe.server.hashset.errors import BuildFailed
from vouchsafe.server.hashset.provenance import InclusionRule


def test_blinding_on_worker_processes_gives_the_single_process_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server_setup, "BLIND_BATCH_SLOTS", 64)  # many batches from few keys
    keys = [b"benign-parallel-build-key-%04d" % i for i in range(300)]
    single = TpsiBlinder(workers=1)
    server_key = single.generate_server_key()
    seed = bytes(range(32))
    expected = single.blind(server_key, keys, seed)
    reported: list[int] = []
    parallel = TpsiBlinder(workers=3).blind_with_progress(server_key, keys, seed, reported.append)
    assert parallel == expected
    slots = len(expected.table) // 32
    assert sum(reported) == len(keys) + slots  # insertion, then every slot blinded
    assert len(reported) > slots // 64  # blinding progress arrives batch by batch


def test_worker_count_must_be_positive() -> None:
    with pytest.raises(ValueError):
        TpsiBlinder(workers=0)


def test_release_build_reports_blinding_progress_to_a_callback(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    entries = [bytes([i]) * 32 for i in range(1, 40)]
    registry, paths = write_lists(
        tmp_path, orgs, {o: [("add", h) for h in entries] for o in ("a", "b")}
    )
    seen: list[tuple[int, int]] = []
    build_release(
        registry_path=registry,
        source_paths=paths,
        out_dir=tmp_path / "release",
        rule=InclusionRule(),
        now=ISSUED_AT + 1,
        blinder=TpsiBlinder(workers=1),
        key_function=hash_set_keys,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert seen and all(done <= total for done, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1][0] == seen[-1][1]


def _sources(tmp_path: Path) -> tuple[Path, list[Path]]:
    orgs = make_orgs(("a", "DE"), ("b", "FR"), ("c", "NL"))
    entries = [i.to_bytes(2, "big") * 16 for i in range(1, 301)]
    listed = {o: [("add", h) for h in entries] for o in ("a", "b")}
    listed["c"] = [("add", h) for h in entries[:40]]
    registry, paths = write_lists(tmp_path, orgs, listed)
    return registry, list(paths)


def _fixed_build(sources: tuple[Path, list[Path]], out: Path, workers: int) -> Path:
    registry, paths = sources
    build_release(
        registry_path=registry,
        source_paths=paths,
        out_dir=out,
        rule=InclusionRule(),
        now=ISSUED_AT + 1,
        blinder=TpsiBlinder(workers=workers),
        key_function=hash_set_keys,
    )
    return out


def test_release_build_on_worker_processes_writes_the_single_process_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches and subtrees, so that every parallel step splits this small set many ways.
    monkeypatch.setattr(server_setup, "BLIND_BATCH_SLOTS", 64)
    monkeypatch.setattr(cuckoo, "POSITION_BATCH", 50)
    monkeypatch.setattr(release_commitment, "SUBTREE_HEIGHT", 3)
    monkeypatch.setattr(release_commitment, "_SUBTREE_LEAVES", 8)
    # The same secrets for both builds: server key, release key and build seed.
    server_key = TpsiBlinder(workers=1).generate_server_key()
    release_key = ed25519.generate_private_key()
    monkeypatch.setattr(TpsiBlinder, "generate_server_key", lambda self: server_key)
    monkeypatch.setattr(ed25519, "generate_private_key", lambda: release_key)
    monkeypatch.setattr(secrets, "token_bytes", lambda n: bytes(range(n)))
    sources = _sources(tmp_path)
    single = _fixed_build(sources, tmp_path / "single", workers=1)
    parallel = _fixed_build(sources, tmp_path / "parallel", workers=3)
    files = sorted(p.relative_to(single) for p in single.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(parallel) for p in parallel.rglob("*") if p.is_file())
    assert len(files) >= 8
    for name in files:
        assert (single / name).read_bytes() == (parallel / name).read_bytes(), name


def test_release_build_fails_clearly_when_the_provenance_process_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(build, "_write_provenance", broken)
    with pytest.raises(BuildFailed, match="provenance"):
        _fixed_build(_sources(tmp_path), tmp_path / "broken", workers=2)


def test_batched_psi_keys_are_the_per_entry_keys() -> None:
    hashes = [bytes([i, 255 - i]) * 16 for i in range(200)] + [bytes(32), bytes([255]) * 32]
    for scheme in SCHEMES.values():
        batched = hash_set_keys_batch("pdq", hashes, scheme)
        assert batched == [hash_set_keys_of("pdq", h, scheme) for h in hashes]
        assert all(1 <= len(keys) <= 2 for keys in batched)
    short = [bytes([i]) * 12 for i in range(20)]
    assert hash_set_keys_batch("other", short) == [hash_set_keys_of("other", h) for h in short]
