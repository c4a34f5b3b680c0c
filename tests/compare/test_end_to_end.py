"""`vouchsafe compare` on real benign images: the tiny scenario, and the framing crafter."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from PIL import Image

from vouchsafe.cli import main
from vouchsafe.compare.collide import craft_collision
from vouchsafe.compare.population import _load, _png, encode_for_sending
from vouchsafe.compare.scenario import SCENARIO_DIR
from vouchsafe.compare.signals import PdqSignals
from vouchsafe.sdk.media.pdq import hamming

pytestmark = pytest.mark.corpus


def test_tiny_scenario_report_from_real_images(corpus_dir: Path, tmp_path: Path) -> None:
    status = main(
        [
            "compare",
            "--scenario", str(SCENARIO_DIR / "tiny.yaml"),
            "--modes", "none", "hash_upload", "tpsi", "multi_party", "--seeds", "2",
            "--no-progress",
            "--corpus", str(corpus_dir),
            "--out", str(tmp_path),
        ]
    )  # fmt: skip
    assert status == 0
    html = (tmp_path / "tiny" / "report.html").read_text(encoding="utf-8")
    assert "What a photo's fingerprint reveals" in html
    data = json.loads((tmp_path / "tiny" / "report.json").read_text(encoding="utf-8"))
    assert data["seeds"] == [7, 8]
    modes = {m["name"]: m for m in data["modes"]}
    assert set(modes) == {"none", "hash_upload", "tpsi", "multi_party"}
    # the sampled slow mode runs on the first seed only, the others on both
    assert [len(modes[m]["per_seed"]) for m in ("none", "tpsi", "multi_party")] == [2, 2, 1]
    assert "ran on 1 seed only" in html.replace("\n", " ")
    for run in modes["hash_upload"]["per_seed"]:
        provider = {p["party"]: p for p in run["ledger"]}["provider"]
        assert provider["item_hashes_in_clear"] == run["items"]
    for run in modes["tpsi"]["per_seed"]:
        tpsi_provider = {p["party"]: p for p in run["ledger"]}["provider"]
        # Past threshold the provider reads the hash of every voucher whose PSI candidate
        # matched, including copies the PDQ <= 31 confirmation then rejects (a 256-px copy can
        # match through the device's views yet sit more than 31 bits away): never more. The
        # ledger counts items whose hash the provider holds, so an exact duplicate of a read
        # item counts too: it is bounded by the items, and zero when nothing was read.
        opened = run["extras"]["vouchers_opened_by_outer_step"]
        synthetic = run["extras"]["synthetic_vouchers_labelled_past_threshold"]
        read = run["extras"]["item_hashes_read_past_threshold"]
        assert read <= opened - synthetic
        assert tpsi_provider["item_hashes_in_clear"] <= run["items"]
        if read == 0:
            assert tpsi_provider["item_hashes_in_clear"] == 0
    assert modes["none"]["item_recall"]["successes"] == 0
    assert data["scenario"]["candidate_scheme"]
    assert {m["mode"] for m in data["population_model"]["modes"]} == set(modes) - {"none"}


def test_crafted_image_collides_with_a_known_item(corpus_dir: Path) -> None:
    signals = PdqSignals()
    target = _load(corpus_dir / "kodak_kodim23.png")
    target_hash, _ = signals.hash_media(_png(target))
    source = _load(corpus_dir / "kodak_kodim05.png")
    before = hamming(signals.hash_media(encode_for_sending(source, 512, 85))[0], target_hash)
    crafted, distance = craft_collision(source, target_hash, signals, 512, 85)
    sent = encode_for_sending(crafted, 512, 85)
    after = hamming(signals.hash_media(sent)[0], target_hash)
    assert before > 31
    assert after == distance <= 31


def test_crafted_collision_fails_the_keyed_check_a_reshare_passes_it(corpus_dir: Path) -> None:
    # The framing scenario's crafter beats PDQ, not the provider's keyed confirmation hash of
    # the derivative (what tpsi checks past threshold); a re-encoded copy passes both.
    from vouchsafe.compare.population import _tone_derivatives
    from vouchsafe.sdk.media.decode import decode_image
    from vouchsafe.sdk.visual_derivative import visual_derivative
    from vouchsafe.server.confirmation.key import generate_confirmation_key
    from vouchsafe.server.confirmation.keyed_hash import (
        CONFIRMATION_MATCH_DISTANCE,
        ConfirmationHasher,
        listing_distance,
    )

    signals = PdqSignals()
    hasher = ConfirmationHasher(generate_confirmation_key())
    target = _load(corpus_dir / "kodak_kodim23.png")
    target_hash, _ = signals.hash_media(_png(target))
    listed = tuple(map(hasher.hash_derivative, _tone_derivatives(target)))
    crafted, distance = craft_collision(
        _load(corpus_dir / "kodak_kodim05.png"), target_hash, signals, 512, 85
    )
    assert distance <= 31

    def keyed(image: Image.Image) -> int:
        sent = decode_image(encode_for_sending(image, 512, 85))
        return listing_distance(hasher.hash_derivative(visual_derivative(sent)), listed)

    assert keyed(crafted) > CONFIRMATION_MATCH_DISTANCE
    assert keyed(target) <= CONFIRMATION_MATCH_DISTANCE


@pytest.mark.slow
def test_framing_scenario_tpsi_confirmation_stops_crafted_collisions(
    corpus_dir: Path, tmp_path: Path
) -> None:
    # `vouchsafe compare --scenario scenarios/framing.yaml`: hash_upload flags the victim on
    # the crafted collisions; tpsi's keyed confirmation check rejects every one of them.
    args = ["compare", "--scenario", str(SCENARIO_DIR / "framing.yaml"), "--modes",
            "hash_upload", "tpsi", "--seeds", "1", "--no-progress", "--corpus", str(corpus_dir),
            "--out", str(tmp_path)]  # fmt: skip
    assert main(args) == 0
    data = json.loads((tmp_path / "framing" / "report.json").read_text(encoding="utf-8"))
    modes = {m["name"]: m for m in data["modes"]}
    assert modes["hash_upload"]["colliding_matched"]["successes"] >= 1
    assert modes["tpsi"]["colliding_matched"]["successes"] == 0
    (run,) = modes["tpsi"]["per_seed"]
    assert run["extras"]["pdq_confirmed_keyed_check_passed"] == 0
    assert run["extras"]["pdq_confirmed_keyed_check_failed"] >= 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("flags", "bars"), [((), True), (("--no-progress",), False)])
def test_progress_bars_only_on_a_terminal_and_never_with_no_progress(
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: tuple[str, ...],
    bars: bool,
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    args = ["compare", "--scenario", str(SCENARIO_DIR / "tiny.yaml"), "--modes", "none",
            "--seeds", "1", "--corpus", str(corpus_dir), "--out", str(tmp_path)]  # fmt: skip
    args += flags
    assert main(args) == 0
    assert ("mode runs" in terminal.getvalue()) is bars


def test_no_progress_bars_when_stderr_is_not_a_terminal(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["compare", "--scenario", str(SCENARIO_DIR / "tiny.yaml"), "--modes", "none",
            "--seeds", "1", "--corpus", str(corpus_dir), "--out", str(tmp_path)]  # fmt: skip
    assert main(args) == 0
    assert "mode runs" not in capsys.readouterr().err
