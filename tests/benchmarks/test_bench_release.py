"""Sections 5 and 7 of the report: building releases of 100k and 1M hash-set entries, and what a
device pays to download, verify and hold them.

Rows:
* ``release build``: signed synthetic source lists (two organisations list every entry, a third
  adds 1% singletons) -> provenance rule -> PSI keys -> ``blind_hash_set`` -> root -> signed
  release + private bundle, in a fresh interpreter; metrics: build time, peak RSS, bytes per
  entry. The same interpreter times 20,000 libsodium scalar multiplications right before and
  right after the build: the "1M scalarmults" ratio uses that figure, measured under the same
  load as the build. Compared with openmined-psi's setup message per element (section 5 row).
* ``release build, blinding replaced`` (100k only): the same pipeline with the blinding replaced
  by pseudo-random elements (tests/hashset/stand_in.py), isolating the hash-set tooling's cost.
* ``client footprint`` (section 7): a fresh interpreter that imports only ``sdk`` reads the
  release file built above, verifies it (signature, root, every element valid and distinct) and
  holds it as a BlindedHashSet; metrics: download size, verify time, peak RSS, RSS while holding.
The source lists are written before timing starts. Entries are random 256-bit values.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.memory import baseline_rss_kib, run_measured
from tests.benchmarks.rows import FOOTPRINT, RELEASE, describe, metric, require

SIZES = {"100k": 100_000, "1M": 1_000_000}
BUILT: dict[str, Path] = {}
FLOOR_OPS = 20_000

_BUILD = """
import time
from pathlib import Path
import pysodium
from vouchsafe.server.hashset import blinding
from vouchsafe.server.hashset.build import build_release
from vouchsafe.server.hashset.provenance import InclusionRule
src = Path({src!r})
{blinder_setup}

def scalarmult_seconds(n={floor_ops}):
    s = pysodium.crypto_core_ristretto255_scalar_random()
    p = pysodium.crypto_core_ristretto255_random()
    t = time.perf_counter()
    for _ in range(n):
        pysodium.crypto_scalarmult_ristretto255(s, p)
    return (time.perf_counter() - t) / n

before = scalarmult_seconds()
start = time.perf_counter()
built = build_release(
    registry_path=src / "organisations.json",
    source_paths=sorted(src.glob("*.jsonl")),
    out_dir=Path({out!r}),
    rule=InclusionRule(),
    blinder=blinder,
    key_function=key_function,
)
seconds = time.perf_counter() - start
result = {{
    "seconds": seconds,
    "scalarmult_seconds": (before + scalarmult_seconds()) / 2,
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
_IMPORTS = (
    "from vouchsafe.sdk.release import verify_release\n"
    "from vouchsafe.sdk.tpsi import BlindedHashSet, wire\n"
)
_HOLD = _IMPORTS + """
import gc, time
from pathlib import Path
folder = Path({folder!r})
data = (folder / "release.pb").read_bytes()
root = bytes.fromhex((folder / "release.root").read_text().strip())
key = bytes.fromhex((folder / "release_key.pub").read_text().strip())
start = time.perf_counter()
release = verify_release(data, release_key=key, published_root=root, now=None)
blinded = BlindedHashSet(wire.decode_server_params(release.server_params), release.table)
seconds = time.perf_counter() - start
del data
gc.collect()
with open("/proc/self/status") as status:
    held = int(next(line for line in status if line.startswith("VmRSS")).split()[1])
result = {{"seconds": seconds, "held_rss_kib": held, "slots": release.slot_count,
           "entries": release.entry_count}}
"""


def _sources(tmp: Path, n: int) -> Path:
    from vouchsafe.server.hashset.demo import synthetic_sources

    folder = tmp / "sources"
    synthetic_sources(folder, n, int(time.time()))
    return folder


def _build_row(benchmark: Any, tmp: Path, n: int, blinder_setup: str) -> dict[str, Any]:
    src = _sources(tmp, n)
    code = _BUILD.format(src=str(src), out=str(tmp / "release"), blinder_setup=blinder_setup,
                         floor_ops=FLOOR_OPS)
    out = benchmark.pedantic(lambda: run_measured(code, timeout=7200), rounds=1, iterations=1)
    assert out["entries"] == n
    metric(benchmark, "build time", out["seconds"], "s")
    metric(benchmark, "peak memory", out["peak_rss_kib"] / 1024, "MiB")
    metric(benchmark, "bytes per entry", out["bytes_per_entry"], "B")
    metric(benchmark, "slots per entry", out["slots"] / n, "slots")
    return out


@pytest.mark.parametrize("size", SIZES)
def test_release_build(benchmark: Any, size: str, tmp_path: Path) -> None:
    describe(
        benchmark,
        key=f"release_build_{size}",
        section=RELEASE,
        label=f"release build, {size} entries (sources to signed release)",
        unit="release",
        compare=[
            {"name": f"openmined-psi setup message, {kind}", "metric": "bytes per entry",
             "to": f"psi_setup_{kind.lower()}", "to_metric": "setup message bytes per element"}
            for kind in ("RAW", "GCS")
        ],
    )
    tpsi = require("vouchsafe.sdk.tpsi", what="not landed")
    if not hasattr(tpsi, "blind_hash_set"):
        pytest.skip("not landed: vouchsafe.sdk.tpsi.blind_hash_set")
    require("vouchsafe.sdk.media.candidates", what="not landed")
    from vouchsafe.sdk.tpsi.params import DEFAULT_EPSILON

    out = _build_row(benchmark, tmp_path, SIZES[size], _REAL)
    BUILT[size] = tmp_path / "release"
    floor = out["scalarmult_seconds"]
    metric(benchmark, "scalarmult in the build's process, before and after", floor * 1e6, "µs")
    n, keys = SIZES[size], out["slots"] / (1 + DEFAULT_EPSILON)
    benchmark.extra_info["compare"] += [
        {"name": f"{size} scalarmults, one per entry (timed in the build's process)",
         "ratio": {"median": out["seconds"] / (n * floor)}},
        {"name": f"one scalarmult per PSI key ({keys / n:.2f} per entry; same timing)",
         "ratio": {"median": out["seconds"] / (keys * floor)}},
    ]


def test_release_build_without_blinding(benchmark: Any, tmp_path: Path) -> None:
    describe(
        benchmark,
        key="release_build_tooling_100k",
        section=RELEASE,
        label="release build, 100k entries, blinding replaced by pseudo-random elements",
        unit="release",
        compare=[{"name": "the real build of 100k", "to": "release_build_100k"}],
    )
    _build_row(benchmark, tmp_path, SIZES["100k"], _STAND_IN)


@pytest.mark.parametrize("size", SIZES)
def test_client_footprint(benchmark: Any, size: str) -> None:
    describe(
        benchmark,
        key=f"client_footprint_{size}",
        section=FOOTPRINT,
        label=f"device verifies and holds the {size}-entry release (fresh interpreter)",
        unit="release",
        note="time includes interpreter start",
    )
    folder = BUILT.get(size)
    if folder is None:
        pytest.skip(f"needs the {size} release build row, which did not run")
    out = benchmark.pedantic(lambda: run_measured(_HOLD.format(folder=str(folder))),
                             rounds=1, iterations=1)
    base = baseline_rss_kib(_IMPORTS + "result = {}")
    file_bytes = (folder / "release.pb").stat().st_size
    metric(benchmark, "download size", file_bytes / 2**20, "MiB")
    metric(benchmark, "download bytes per entry", file_bytes / out["entries"], "B")
    metric(benchmark, "verify + load time", out["seconds"], "s")
    metric(benchmark, "peak RSS (during verification)", out["peak_rss_kib"] / 1024, "MiB")
    metric(benchmark, "RSS while holding the release", out["held_rss_kib"] / 1024, "MiB")
    metric(benchmark, "RSS of the same imports without a release", base / 1024, "MiB")
