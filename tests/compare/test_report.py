"""The report: one self-contained HTML page plus JSON, built from replicated measured results."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from vouchsafe.compare.conclusions import conclusions
from vouchsafe.compare.criteria import CRITERIA
from vouchsafe.compare.report import render_html, write_report
from vouchsafe.compare.sketch import dct_sketch
from vouchsafe.compare.study import Study

from .toy import toy_study


@pytest.fixture(scope="module")
def study() -> Study:
    return toy_study()


def test_report_is_self_contained_and_cites_pooled_figures_with_intervals(
    study: Study, tmp_path: Path
) -> None:
    path = write_report(study, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in text
    assert 'src="http' not in text and "<script" not in text
    assert "real runs" in text and "model" in text and "95% interval" in text
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["seeds"] == [11, 12]
    hash_upload = next(m for m in data["modes"] if m["name"] == "hash_upload")
    # 3 known items per seed, every one matched by hash upload, pooled over two seeds
    assert (
        hash_upload["item_recall"]["successes"] == 6 and hash_upload["item_recall"]["trials"] == 6
    )
    assert hash_upload["item_recall"]["low"] < 1.0 == hash_upload["item_recall"]["high"]
    assert len(hash_upload["per_seed"]) == 2
    assert {m["mode"] for m in data["population_model"]["modes"]} >= {"hash_upload", "tpsi"}
    criteria = next(c for c in data["criteria"] if c["mode"] == "hash_upload")
    assert set(criteria["cells"]) == set(CRITERIA)
    assert "6/6 known items" in criteria["cells"]["effectiveness"]


def test_conclusions_say_when_intervals_overlap(study: Study) -> None:
    text = " ".join(conclusions(study))
    assert "No measurable difference" in text  # 6/6 against 6/6 cannot be ranked
    assert "Population model" in text


def test_scenario_text_is_escaped_not_injected(study: Study) -> None:
    study = replace(study)
    study.scenario = replace(study.scenario, description="<script>alert(1)</script> & co",
                             intended_outcome='0% here is "the point"')  # fmt: skip
    html = render_html(study)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "0% here is &#34;the point&#34;" in html


def test_sweep_adds_trade_off_curves_and_a_table() -> None:
    study = toy_study(names=("none", "hash_upload", "tpsi"), sweep="threshold=2,3")
    assert [p.value for p in study.sweep_points] == [2.0, 3.0]
    html = render_html(study)
    assert html.count("Trade-off as the match threshold t changes") == 2
    # a higher threshold never finds more offenders in the model
    recall = [p.models["hash_upload"].account_recall.value for p in study.sweep_points]
    assert recall[0] >= recall[1]


def test_dct_sketch_follows_the_hash_bits() -> None:
    zeros = dct_sketch(bytes(32))
    ones = dct_sketch(b"\xff" * 32)
    # flipping every sign inverts the picture
    assert zeros.shape == (64, 64)
    assert abs(int(zeros.astype(int).sum()) + int(ones.astype(int).sum()) - 255 * 64 * 64) < 64 * 64
