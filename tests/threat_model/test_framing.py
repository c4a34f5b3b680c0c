"""Attack 1 (framing by collision): forged images do not get an innocent account reported."""

from __future__ import annotations

import pytest

from vouchsafe.threat_model.attacks import framing


def test_black_box_forgeries_do_not_pass_full_hash_check_and_review() -> None:
    outcome = framing.run(
        framing.Config(pairs=1, psi_budget=1500, full_budget=200, confirmation=False)
    )
    assert outcome.held
    assert outcome.evidence["would_fool_review"] == 0
    row = outcome.evidence["per_pair"][0]
    # Whatever the search reached, the picture still looks like its benign source.
    assert row["final_ssim_to_source"] > row["final_ssim_to_target"]


def test_white_box_forgeries_pass_psi_and_full_hash_but_fail_the_keyed_confirmation() -> None:
    # THREAT_MODEL.md T1: PDQ is public and linear before its threshold, so a white-box
    # forger beats both the coarse PSI key and the full-hash check; the keyed confirmation hash
    # (computed by the server on the derivative, under a key the forger lacks) stops it. The
    # default number of pairs; the tiny budgets only shorten the black-box search.
    config = framing.Config(psi_budget=10, full_budget=10, holders=False)
    assert config.pairs == framing.Config().pairs
    outcome = framing.run(config)
    white = outcome.evidence["white_box"]
    assert white["psi_collision_rate"] == 1.0
    assert white["full_hash_collision_rate"] == 1.0
    for row in white["per_pair"]:
        assert row["full_forgery_also_psi_collision"]
        assert row["full_psnr_db"] > 25.0
        assert row["full_ssim_to_source"] > row["full_ssim_to_target"]
    assert white["would_fool_review"] == 0
    stage = outcome.evidence["confirmation"]
    limit = stage["confirmation_match_distance"]
    for variant in ("pdq_only", "pdq_plus_unkeyed_guess_from_hash"):
        assert stage[variant]["passed_pdq_and_psi"] == config.pairs, variant
        assert stage[variant]["passed_both_checks"] == 0, variant
        for row in stage[variant]["per_pair"]:
            assert row["confirmation_distance"] > limit, (variant, row)
    assert stage["hash_only_forgeries"] == 2 * config.pairs
    assert stage["stopped_by"] == "confirmation"
    assert outcome.held


@pytest.mark.slow
def test_with_eight_pairs_confirmation_still_stops_every_hash_only_forgery() -> None:
    # The larger run of THREAT_MODEL T1 (a 6-pair run used to let 2 of 12 through): 8 pairs,
    # every forger. Hash-only forgers must all fail the keyed check; forgers holding the picture
    # or the key may pass it, and then only the review proxy may stop them.
    outcome = framing.run(framing.Config(pairs=8, psi_budget=10, full_budget=10))
    stage = outcome.evidence["confirmation"]
    assert stage["hash_only_forgeries"] == 16
    assert stage["hash_only_forgeries_passing_both_checks"] == 0
    assert stage["stopped_by"] == "confirmation"
    assert stage["holders_stopped_by"] in ("confirmation", "review")
    assert outcome.held


def test_the_consequence_checks_do_flag_a_genuine_known_item() -> None:
    # Control: when the "forged" image is the known item itself, every check passes and the
    # claim must fail, so the test above can fail too.
    outcome = framing.run(
        framing.Config(pairs=1, target_first=0, psi_budget=10, full_budget=10, holders=False)
    )
    assert outcome.evidence["confirmation"]["pdq_only"]["passed_both_checks"] == 1
    assert outcome.evidence["psi_collision_rate"] == 1.0
    assert outcome.evidence["full_hash_collision_rate"] == 1.0
    assert outcome.evidence["would_fool_review"] == 1
    assert not outcome.held


def test_receiving_media_makes_no_voucher_but_sending_does() -> None:
    # The messaging case: pushed images count against a recipient only if re-sent.
    assert not framing._receive_path_makes_vouchers("receive")
    assert framing._receive_path_makes_vouchers("send_media")
