"""The release build on every core (issue 18): the same bytes as the single-process build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hashset.source_helpers import ISSUED_AT, make_orgs, write_lists
from vouchsafe.sdk.tpsi import server_setup
from vouchsafe.server.hashset.blinding import TpsiBlinder, hash_set_keys
from vouchsafe.server.hashset.build import build_release
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
