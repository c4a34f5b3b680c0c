"""The release build on every core (issue 18): the same bytes as the single-process build."""

from __future__ import annotations

import pytest

from vouchsafe.sdk.tpsi import server_setup
from vouchsafe.server.hashset.blinding import TpsiBlinder


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
