"""The report: one self-contained HTML file plus JSON, built from measured results."""

from __future__ import annotations

import json
from pathlib import Path

from vouchsafe.compare.criteria import CRITERIA, criteria_row
from vouchsafe.compare.report import write_report
from vouchsafe.compare.run import run_all
from vouchsafe.compare.sketch import dct_sketch

from .toy import toy_population


def test_report_is_self_contained_and_cites_measured_figures(tmp_path: Path) -> None:
    population, signals = toy_population()
    results = run_all(population, signals, ["none", "hash_upload", "third_party"])
    path = write_report(population, results, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,' in text
    assert 'src="http' not in text and "<script" not in text
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    hash_upload = next(m for m in data["modes"] if m["name"] == "hash_upload")
    assert hash_upload["item_recall"] == 1.0
    row = criteria_row(results[1])
    assert set(row.cells) == set(CRITERIA)
    # the privacy cell quotes the ledger's count of item hashes the provider held
    assert f"{population.items.__len__()} item hashes" in row.cells["privacy"]


def test_dct_sketch_follows_the_hash_bits() -> None:
    zeros = dct_sketch(bytes(32))
    ones = dct_sketch(b"\xff" * 32)
    # flipping every sign inverts the picture
    assert zeros.shape == (64, 64)
    assert abs(int(zeros.astype(int).sum()) + int(ones.astype(int).sum()) - 255 * 64 * 64) < 64 * 64
