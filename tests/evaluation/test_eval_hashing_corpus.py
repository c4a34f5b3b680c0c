"""The full-corpus run of ``vouchsafe eval hashing`` (slow: ``pytest -m slow``).

The bounds are regression guards a little below the figures measured for README "Perceptual
hashing"; the run itself is the measurement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vouchsafe.evaluation.hashing import HashingEvalConfig, run_hashing_eval

# Transforms on which the coarse key keeps up with plaintext PDQ@31 almost everywhere.
NEAR_LOSSLESS = ("jpeg_q90", "jpeg_q75", "format_png", "format_webp", "grayscale")


@pytest.mark.slow
def test_psi_candidates_on_the_whole_corpus(corpus_dir: Path) -> None:
    report = run_hashing_eval(
        HashingEvalConfig(folder=corpus_dir, backend="onnx", measure_cost=False)
    )
    assert report["config"]["split"] == "held_out" and report["candidates_per_image"] == 64
    rows = {row["transform"]: row for row in report["transforms"]}
    for name in NEAR_LOSSLESS:
        assert rows[name]["psi_recall"] >= 0.95, name
    # Issue 14's goal transforms that v5 brings within 5 points of PDQ@31 on the held-out split
    # (crop_2pct since v3's uncrop view, resize_0.5x / 0.75x since v4's un-resize views,
    # contrast since v4/v5's unclip root); brightness_+20pct is not among them (1.4 short).
    for name in ("jpeg_q50", "gaussian_noise_8", "resize_0.5x", "resize_0.75x", "resize_1.5x",
                 "resize_2x", "crop_2pct", "contrast_1.3x"):  # fmt: skip
        assert rows[name]["psi_recall"] >= rows[name]["baseline_recall"] - 0.05, name
    assert rows["hflip"]["psi_recall"] > rows["hflip"]["baseline_recall"]
    assert report["degrees_of_freedom"]["dof"] > 45
    for budget in report["budgets"]:
        assert budget["false_match"]["per_image_model"] <= 1e-6, budget["max_candidates"]


@pytest.mark.slow
def test_reshares_pass_both_checks_on_the_held_out_split(corpus_dir: Path) -> None:
    from vouchsafe.evaluation.confirmation import REQUIRED_GROUPS

    transforms = ("jpeg_q50", "resize_0.5x", "brightness_-20pct", "contrast_1.3x",
                  "gaussian_noise_8", "format_webp")  # fmt: skip
    report = run_hashing_eval(HashingEvalConfig(folder=corpus_dir, transforms=transforms))
    second = report["confirmation"]
    assert {row["group"] for row in second["transforms"]} == set(REQUIRED_GROUPS)
    for row in second["transforms"]:
        assert row["confirmation_hash"] >= 0.95, row["transform"]
    assert second["held_out_distinct_pairs_confirming_without_astronomy"] <= (
        0.01 * second["held_out_distinct_pairs"]
    )
