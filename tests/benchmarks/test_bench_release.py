"""Section 5 of the report: building and verifying releases of 100k and 1M hash-set entries.

Rows:
* ``release build``: signed synthetic source lists (two organisations list every entry, a third
  adds 1% singletons) -> provenance rule -> PSI keys -> ``blind_hash_set`` -> root -> signed
  release + private bundle, in a fresh interpreter; metrics: build time, peak RSS, bytes per
  entry. Skips until the protocol core and the PSI keys have landed.
* ``release build, blinding replaced``: the same pipeline with the blinding replaced by a table
  of random elements (tests/hashset/stand_in.py), isolating the hash-set tooling's own cost.
* ``release verify on device``: ``sdk.release.verify_release`` on a signed table of N random
  elements (cost does not depend on what the elements encode).
The source lists are written before timing starts. Entries are random 256-bit values.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.memory import run_measured
from tests.benchmarks.rows import RELEASE, describe, metric, require

SIZES = {"100k": 100_000, "1M": 1_000_000}

_BUILD = """
import time
from pathlib import Path
from reference_server.hashset import blinding
from reference_server.hashset.build import build_release
from reference_server.hashset.provenance import InclusionRule
src = Path({src!r})
{blinder_setup}
start = time.perf_counter()
built = build_release(
    registry_path=src / "organisations.json",
    source_paths=sorted(src.glob("*.jsonl")),
    out_dir=Path({out!r}),
    rule=InclusionRule(),
    blinder=blinder,
    key_function=key_function,
)
result = {{
    "seconds": time.perf_counter() - start,
    "entries": built.selection.entry_count,
    "slots": built.release.slot_count,
    "release_bytes": built.release_bytes,
    "bytes_per_entry": built.bytes_per_entry,
}}
"""
_REAL = "blinder = blinding.default_blinder()\nkey_function = blinding.hash_set_keys"
_STAND_IN = (
    "from tests.hashset.stand_in import StandInBlinder, stand_in_keys\n"
    "blinder = StandInBlinder(deterministic=False)\nkey_function = stand_in_keys"
)


def _sources(tmp: Path, n: int) -> Path:
    from reference_server.hashset.demo import synthetic_sources

    folder = tmp / "sources"
    synthetic_sources(folder, n, int(time.time()))
    return folder


def _build_row(benchmark: Any, tmp: Path, n: int, blinder_setup: str) -> None:
    src = _sources(tmp, n)
    code = _BUILD.format(src=str(src), out=str(tmp / "release"), blinder_setup=blinder_setup)
    out = benchmark.pedantic(lambda: run_measured(code, timeout=7200), rounds=1, iterations=1)
    assert out["entries"] == n
    metric(benchmark, "build time", out["seconds"], "s")
    metric(benchmark, "peak memory", out["peak_rss_kib"] / 1024, "MiB")
    metric(benchmark, "bytes per entry", out["bytes_per_entry"], "B")
    metric(benchmark, "slots per entry", out["slots"] / n, "slots")


@pytest.mark.parametrize("size", SIZES)
def test_release_build(benchmark: Any, size: str, tmp_path: Path) -> None:
    describe(
        benchmark,
        key=f"release_build_{size}",
        section=RELEASE,
        label=f"release build, {size} entries (sources to signed release)",
        unit="release",
    )
    tpsi = require("sdk.tpsi", what="not landed")
    if not hasattr(tpsi, "blind_hash_set"):
        pytest.skip("not landed: sdk.tpsi.blind_hash_set")
    require("sdk.media.candidates", what="not landed")
    _build_row(benchmark, tmp_path, SIZES[size], _REAL)


@pytest.mark.parametrize("size", SIZES)
def test_release_build_without_blinding(benchmark: Any, size: str, tmp_path: Path) -> None:
    describe(
        benchmark,
        key=f"release_build_tooling_{size}",
        section=RELEASE,
        label=f"release build, {size} entries, blinding replaced by random elements",
        unit="release",
    )
    _build_row(benchmark, tmp_path, SIZES[size], _STAND_IN)


@pytest.mark.parametrize("size", SIZES)
def test_release_verify_on_device(benchmark: Any, size: str) -> None:
    describe(
        benchmark,
        key=f"release_verify_{size}",
        section=RELEASE,
        label=f"release verify on device, {size} slots",
        unit="release",
    )
    from sdk.release import verify_release
    from tests.hashset.release_helpers import NOW, RELEASE_PUB, make_release, random_table

    n = SIZES[size]
    signed = make_release(random_table(n))
    verified = benchmark.pedantic(
        verify_release,
        args=(signed.data,),
        kwargs={"release_key": RELEASE_PUB, "published_root": signed.root, "now": NOW},
        rounds=1 if n > 100_000 else 3,
        iterations=1,
    )
    assert verified.slot_count == n
    metric(benchmark, "release bytes per slot", len(signed.data) / n, "B")
