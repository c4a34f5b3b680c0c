"""``vouchsafe eval hashing`` and ``vouchsafe hash`` on a handful of images."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from PIL import Image

from vouchsafe.cli import main
from vouchsafe.corpus import read_manifest
from vouchsafe.evaluation import false_match as fm
from vouchsafe.evaluation.hashing import HashingEvalConfig, run_hashing_eval
from vouchsafe.imagegen import synthetic_image


@pytest.fixture(scope="module")
def small_report(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    # Five corpus images, shrunk to at most 384 px so the suite stays fast; the full-size run
    # is `vouchsafe eval hashing` (README "Perceptual hashing").
    folder = tmp_path_factory.mktemp("eval_subset")
    for item in read_manifest(corpus_dir)[::80]:
        with Image.open(item.path) as image:
            small = image.convert("RGB")
            small.thumbnail((384, 384))
            small.save(folder / f"{item.path.stem}.png")
    config = HashingEvalConfig(
        folder=folder,
        transforms=("jpeg_q90", "format_png", "hflip", "rotate_5deg"),
        split="all",
        max_candidates=(16, 64),
        measure_cost=False,
    )
    return run_hashing_eval(config)


def test_lossless_copies_are_always_found(small_report: dict) -> None:  # type: ignore[type-arg]
    png = next(r for r in small_report["transforms"] if r["transform"] == "format_png")
    assert png["psi_recall"] == png["baseline_recall"] == png["exact_hash_rate"] == 1.0


def test_report_counts_every_copy_and_pair(small_report: dict) -> None:  # type: ignore[type-arg]
    n = small_report["images"]
    assert n == 5
    assert all(r["copies"] == n for r in small_report["transforms"])
    assert small_report["distinct"]["query_entry_pairs"] == n * 5 * (n - 1)
    assert small_report["distinct"]["query_entry_collisions"] == 0
    for row in small_report["transforms"]:
        assert 0.0 <= row["psi_recall"] <= 1.0


def test_mirrored_copies_beat_the_plaintext_baseline(small_report: dict) -> None:  # type: ignore[type-arg]
    flip = next(r for r in small_report["transforms"] if r["transform"] == "hflip")
    assert flip["baseline_recall"] == 0.0
    assert flip["psi_recall"] > 0.0


def test_false_match_figures_are_probabilities(small_report: dict) -> None:  # type: ignore[type-arg]
    figures = small_report["false_match"]
    for value in [*figures["per_image"].values()]:
        assert 0.0 <= value <= 1.0
    assert figures["account"]["formula"] == fm.BINOMIAL_TAIL_FORMULA


def test_binomial_tail_matches_direct_sums() -> None:
    assert fm.binomial_tail(10, 0.5, 0) == 1.0
    assert fm.binomial_tail(10, 0.5, 10) == pytest.approx(0.5**10)
    assert fm.binomial_tail(10, 0.5, 9) == pytest.approx(11 * 0.5**10)
    lam = 36500 * 1e-6  # Poisson limit: P[X >= 30] ~ e^-lam lam^30 / 30!
    poisson = math.exp(-lam) * lam**30 / math.factorial(30)
    assert fm.binomial_tail(36500, 1e-6, 30) == pytest.approx(poisson, rel=1e-2)
    assert fm.binomial_tail(36500, 1e-2, 30) == pytest.approx(1.0)


def test_per_image_probability_is_stable_for_tiny_rates() -> None:
    assert fm.per_image_probability(1e-15, 16, 2, 1_000_000) == pytest.approx(3.2e-8, rel=1e-6)
    assert fm.per_image_probability(0.0, 16, 2, 1_000_000) == 0.0


def test_degrees_of_freedom_of_a_binomial_is_its_trial_count() -> None:
    # distances spread exactly like Binomial(n=64, p=1/2): variance 16
    distances = [32 - 4, 32 + 4] * 50
    fit = fm.fit_degrees_of_freedom(distances, 64)
    assert fit.dof == pytest.approx(64 * 100 / 99 * 99 / 100, rel=0.02)


def test_eval_cli_writes_json_and_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for seed in range(3):
        synthetic_image(seed, (160, 120)).save(tmp_path / f"img{seed}.png")
    out = tmp_path / "report.json"
    status = main(
        ["eval", "hashing", "--folder", str(tmp_path), "--transforms", "jpeg_q90,grayscale",
         "--json", str(out), "--split", "all", "--max-candidates", "16,64"]
    )  # fmt: skip
    assert status == 0
    report = json.loads(out.read_text())
    assert [r["transform"] for r in report["transforms"]] == ["jpeg_q90", "grayscale"]
    assert [b["max_candidates"] for b in report["budgets"]] == [16, 64]
    assert all(b["cost"]["halves"] == 2 * b["max_candidates"] for b in report["budgets"])
    printed = capsys.readouterr().out
    assert "PSI recall" in printed and "K=64" in printed
    page = out.with_suffix(".html").read_text()
    assert "Recall against the candidate budget" in page and "K = 64" in page


def test_eval_cli_rejects_a_budget_no_scheme_has(tmp_path: Path) -> None:
    synthetic_image(1, (64, 64)).save(tmp_path / "a.png")
    synthetic_image(2, (64, 64)).save(tmp_path / "b.png")
    args = ["eval", "hashing", "--folder", str(tmp_path), "--max-candidates", "16,48"]
    assert main(args) == 2


def test_eval_cli_rejects_unknown_transform(tmp_path: Path) -> None:
    synthetic_image(1, (64, 64)).save(tmp_path / "a.png")
    synthetic_image(2, (64, 64)).save(tmp_path / "b.png")
    assert main(["eval", "hashing", "--folder", str(tmp_path), "--transforms", "nope"]) == 2


def test_hash_cli_prints_candidates_and_the_hash_set_keys_they_meet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "photo.png"
    synthetic_image(7, (200, 150)).save(path)
    assert main(["hash", str(path), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["results"][0]
    assert row["signal_type"] == "pdq"
    assert len(row["hash"]) == 64
    assert len(row["candidates"]) == 64
    assert 0 <= row["quality"] <= 100
    # The unmodified code is both the first candidate and the first hash-set key.
    assert row["candidates"][0] == row["hash_set_keys"][0]
    assert row["candidates_meeting_own_keys"] >= 1


def test_hash_cli_takes_the_budget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "photo.png"
    synthetic_image(7, (200, 150)).save(path)
    assert main(["hash", str(path), "--json", "--max-candidates", "16"]) == 0
    row = json.loads(capsys.readouterr().out)["results"][0]
    assert len(row["candidates"]) == 16 and row["candidate_scheme"].endswith("-k16-v5")
    assert main(["hash", str(path), "--max-candidates", "17"]) == 2


def test_hash_cli_runs_on_embedded_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hash"]) == 0
    assert capsys.readouterr().out.count("candidates   64") == 2


def test_hash_cli_reports_undecodable_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff garbage")
    assert main(["hash", str(path)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_sharded_collection_gives_the_same_report_as_one_run(tmp_path: Path) -> None:
    from vouchsafe.evaluation.hashing import collect_records, merge_records, summarize

    for seed in range(5):
        synthetic_image(seed, (160, 120)).save(tmp_path / f"img{seed}.png")
    config = HashingEvalConfig(
        folder=tmp_path,
        transforms=("jpeg_q75", "hflip"),
        split="all",
        max_candidates=(16, 64),
        measure_cost=False,
    )
    whole = run_hashing_eval(config)
    parts = [collect_records(config, (i, 2)) for i in range(2)]
    sharded = summarize(config, merge_records(parts))
    assert sharded["transforms"] == whole["transforms"]
    assert sharded["distinct"] == whole["distinct"]
    assert sharded["degrees_of_freedom"] == pytest.approx(whole["degrees_of_freedom"])
    for a, b in zip(sharded["budgets"], whole["budgets"], strict=True):
        assert a["psi_recall"] == b["psi_recall"]
        assert a["false_match"]["measured_full_code"] == b["false_match"]["measured_full_code"]


def test_split_is_by_content_and_halves_a_hash_range() -> None:
    from vouchsafe.evaluation.split import in_split, split_of

    assert split_of("0" * 64) == "fit" and split_of("8" + "0" * 63) == "held_out"
    assert in_split("all", "f" * 64) and not in_split("fit", "f" * 64)
    with pytest.raises(ValueError):
        in_split("train", "0" * 64)


def test_shortened_code_collisions_are_counted_against_the_model() -> None:
    from vouchsafe.evaluation.budgets import count_collisions, shortened_check

    # Two entries whose 20-bit codes differ only in the low 4 bits: cut to 16 bits they meet.
    entries = [[0b1010_1010_1010_1010_0000], [0b1010_1010_1010_1010_1111]]
    queries = [(0, [entries[0][0]]), (1, [entries[1][0]])]
    assert count_collisions(entries, queries)["colliding_pairs"] == 0
    assert count_collisions(entries, queries, shift=4)["colliding_pairs"] == 2
    rows = shortened_check(entries * 2, queries, 20)
    assert rows[0]["bits"] == 16 and rows[0]["colliding_pairs"] > 0


def test_both_checks_are_fitted_on_one_split_and_reported_on_the_other(tmp_path: Path) -> None:
    from vouchsafe.evaluation.confirmation import is_training_image

    names = [f"img{seed:02d}.png" for seed in range(10)]
    for seed, name in enumerate(names):
        synthetic_image(seed, (160, 120)).save(tmp_path / name)
    # split="all": the PSI budgets' own split is not the confirmation hash's (it fits on its own).
    report = run_hashing_eval(
        HashingEvalConfig(
            folder=tmp_path, transforms=("jpeg_q75", "brightness_+20pct"), split="all"
        )
    )
    second = report["confirmation"]
    held_out = [n for n in names if not is_training_image(n)]
    assert second["held_out_images"] == len(held_out)
    assert second["training_images"] == len(names) - len(held_out)
    for row in second["transforms"]:
        assert row["copies"] == len(held_out)
        assert row["both_checks"] <= min(row["pdq"], row["confirmation_hash"])
    assert second["fitted_match_distance"] == second["fit"]["match_distance"]
    assert 0.3 < second["bit_agreement_between_two_keys"] < 0.7


def test_without_enough_images_both_checks_say_why_they_were_not_measured(tmp_path: Path) -> None:
    for seed in range(4):
        synthetic_image(seed, (160, 120)).save(tmp_path / f"img{seed}.png")
    report = run_hashing_eval(
        HashingEvalConfig(folder=tmp_path, transforms=("hflip",), split="all")
    )
    assert "unavailable" in report["confirmation"]
