"""Every report, rendered in a real browser: the comparison (toy with a sweep, and real benign
images), the demo report, and the hashing evaluation page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from vouchsafe.cli import main
from vouchsafe.compare.report import write_report as write_compare
from vouchsafe.compare.scenario import SCENARIO_DIR
from vouchsafe.demo.report import write_report as write_demo
from vouchsafe.demo.result import AccountOutcome, DemoResult, DemoSettings, Step
from vouchsafe.evaluation.hashing import HashingEvalConfig, run_hashing_eval
from vouchsafe.evaluation.page import hashing_report_html
from vouchsafe.imagegen import synthetic_image

from ..compare.toy import toy_study
from .harness import check_page


def test_comparison_report_with_a_sweep_renders_cleanly(browser: Any, tmp_path: Path) -> None:
    study = toy_study(names=("none", "hash_upload", "tpsi"), sweep="threshold=2,3")
    page = check_page(browser, write_compare(study, tmp_path), "compare-toy")
    assert "Conclusions" in page.text and "No measurable difference" in page.text
    assert "Threshold private matching (this project, vouchsafe)" in page.text
    assert page.charts >= 8  # detection, accounts, model, bytes, CPU, leakage, 2 trade-offs


@pytest.mark.corpus
def test_real_comparison_of_the_below_threshold_scenario_renders(
    browser: Any, corpus_dir: Path, tmp_path: Path
) -> None:
    status = main(
        [
            "compare", "--scenario", str(SCENARIO_DIR / "below_threshold.yaml"),
            "--modes", "none", "tpsi", "--seeds", "1", "--no-progress",
            "--corpus", str(corpus_dir), "--out", str(tmp_path),
        ]
    )  # fmt: skip
    assert status == 0
    page = check_page(browser, tmp_path / "below_threshold" / "report.html", "compare-below")
    assert "0% item recall here is the point" in page.text
    assert "population model" in page.text.lower()


def _demo_result() -> DemoResult:
    result = DemoResult(DemoSettings(4, 6, 3, 0.1, 1, 4, 2), seconds=3.2)
    result.accounts = [
        AccountOutcome("alice", role="sends known items", photos_sent=6, known_sent=4,
                       vouchers_uploaded=7, items_in_review=4, confirmed_by_reviewer=4,
                       report_status="delivered", suspended=True, appeal_status="pending"),
        AccountOutcome("bob", role="below threshold", photos_sent=6, known_sent=2,
                       vouchers_uploaded=6),
        AccountOutcome("carol <b>", photos_sent=6, vouchers_uploaded=6),
        AccountOutcome("dave", photos_sent=6, vouchers_uploaded=7),
    ]  # fmt: skip
    result.steps = [Step("start the server", ("listening on 127.0.0.1", "a" * 300))]
    result.transparency = {"safety vouchers received": 26, "reports delivered": 1}
    png = io.BytesIO()
    Image.new("L", (64, 48), 128).save(png, format="PNG")
    result.reviewed = [("alice", "0123abcd", "confirmed", png.getvalue())]
    result.audit_log_ok = True
    result.audit_log_detail = "26 entries"
    return result


def test_demo_report_renders_cleanly_at_1280_px(browser: Any, tmp_path: Path) -> None:
    page = check_page(browser, write_demo(_demo_result(), tmp_path), "demo")
    assert page.charts == 2
    assert "carol <b>" in page.text
    assert "Known photos per account against the threshold" in page.text


def test_hashing_evaluation_page_renders_cleanly(browser: Any, tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    for seed in range(4):
        synthetic_image(seed, (256, 192)).save(folder / f"generated_{seed}.png")
    config = HashingEvalConfig(
        folder=folder, transforms=("jpeg_q90", "hflip"), split="all", max_candidates=(16, 64),
        measure_cost=False,
    )  # fmt: skip
    report = run_hashing_eval(config)
    path = tmp_path / "hashing.html"
    path.write_text(hashing_report_html(report), encoding="utf-8")
    page = check_page(browser, path, "eval-hashing")
    # The per-edit bar chart and the recall-cost frontier.
    assert page.charts == 2 and "jpeg_q90" in page.text
    assert "recall-cost frontier" in page.text
