"""Attack 3: below-threshold inference from what opens.

The honest-but-curious server cannot read associated data below the match threshold ``t``, but
per account it sees how many vouchers it received (``n``), how many opened, and the tag (share
x-coordinate) of each opened one. In ``vouchsafe.sdk.tpsi`` a synthetic voucher opens like a match
and
carries the share of one of ``s_max`` synthetic slots, so two synthetics of the same slot show
the same tag, while every real match shows its own. The server's statistics are therefore

- ``opened``: real matches + synthetic items,
- ``distinct``: real matches + synthetic slots hit (at most ``s_max``),
- ``singletons``: real matches + slots hit exactly once.

For each activity level and synthetic rate this attack estimates (Monte Carlo, with the noise
floor printed beside it) the advantage of the best of these statistics at telling one real
match from none (``adv_1``) and ``t - 1`` from none, and searches the rate needed to keep
``adv_1`` under a bound. When the protocol core is installed it takes the defaults (``t``,
``s_max``, the calibrated rate) from it and checks the model against the real protocol: it
makes the vouchers of a small account with ``vouchsafe.sdk.tpsi`` and compares what
``process_voucher``
opens with the model's prediction for that account, item by item.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vouchsafe.threat_model.attacks import counting
from vouchsafe.threat_model.attacks.base import AttackOutcome, AttackUnavailable

NUMBER = 3
NAME = "below-threshold"
TITLE = "below-threshold inference: estimate real match counts from what opens"

STATISTICS = ("opened", "distinct", "singletons")


@dataclass(frozen=True)
class Config:
    """Activity levels, rates, the advantage bound and the Monte Carlo size.

    ``rate`` 0 and ``slots`` 0 mean: the protocol core's defaults (``default_synthetic_rate``
    and ``DEFAULT_SYNTHETIC_MAX``).
    """

    threshold: int = 10
    rate: float = 0.0
    slots: int = 0
    activities: tuple[int, ...] = (100, 1000, 3000, 10000)
    rate_factors: tuple[float, ...] = (0.25, 1.0, 4.0, 16.0)
    bound: float = 0.1
    # The same rate search with this many synthetic slots instead of s_max (0: skip).
    alt_slots: int = 4096
    trials: int = 6000
    check_items: int = 60
    # Interleaved real/synthetic voucher generations timed (0: skip). Evidence only; no claim.
    timing_pairs: int = 60
    seed: int = 3


def _defaults(config: Config) -> tuple[float, int, bool]:
    try:
        from vouchsafe.sdk.tpsi.account import default_synthetic_rate
        from vouchsafe.sdk.tpsi.params import DEFAULT_SYNTHETIC_MAX
    except ImportError:
        if not (config.rate and config.slots):
            raise AttackUnavailable(
                "needs vouchsafe.sdk.tpsi, or both rate= and slots= set"
            ) from None
        return config.rate, config.slots, False
    slots = config.slots or int(DEFAULT_SYNTHETIC_MAX)
    rate = config.rate or default_synthetic_rate(config.threshold, slots)
    return rate, slots, True


def _advantages(
    n: int, m: int, rate: float, slots: int, trials: int, rng: np.random.Generator
) -> dict[str, float]:
    none = counting.simulate_view(n, 0, rate, slots, trials, rng)
    again = counting.simulate_view(n, 0, rate, slots, trials, rng)
    some = counting.simulate_view(n, m, rate, slots, trials, rng)
    out = {k: round(counting.empirical_tv(none[k], some[k]), 3) for k in STATISTICS}
    out["best"] = max(out[k] for k in STATISTICS)
    out["noise_floor"] = round(max(counting.empirical_tv(none[k], again[k]) for k in STATISTICS), 3)
    return out


def run(config: Config) -> AttackOutcome:
    """Estimates the advantage table and the rates needed; decides the claim from them."""
    rate, slots, from_protocol = _defaults(config)
    rng = np.random.default_rng(config.seed)
    t = config.threshold
    table: dict[str, dict[str, object]] = {}
    needed: dict[str, float | None] = {}
    for n in config.activities:
        found: float | None = None
        for factor in config.rate_factors:
            r = min(1.0, rate * factor)
            one = _advantages(n, 1, r, slots, config.trials, rng)
            near = _advantages(n, t - 1, r, slots, config.trials, rng)
            table[f"n={n} rate={r:.4g}"] = {"adv_1": one, f"adv_{t - 1}": near["best"]}
            if found is None and one["best"] <= config.bound:
                found = r
        needed[f"n={n}"] = found
        if config.alt_slots:
            needed[f"n={n} s_max={config.alt_slots}"] = next(
                (
                    min(1.0, rate * f)
                    for f in config.rate_factors
                    if _advantages(n, 1, min(1.0, rate * f), config.alt_slots, config.trials, rng)[
                        "best"
                    ]
                    <= config.bound
                ),
                None,
            )
    default_adv: dict[str, dict[str, float]] = {}
    for key, row in table.items():
        if key.endswith(f"rate={rate:.4g}"):
            default_adv[key.split()[0]] = row["adv_1"]  # type: ignore[assignment]
    worst = max(float(v["best"]) for v in default_adv.values())
    held = worst <= config.bound
    claim = (
        f"At the default synthetic rate ({rate:.4g}, s_max={slots}, t={t}) the server's best "
        f"count statistic tells one real match from none with advantage <= {config.bound} "
        f"for accounts of {min(config.activities)}-{max(config.activities)} items"
    )
    evidence: dict[str, object] = {
        "rate": rate,
        "slots": slots,
        "defaults_from": "vouchsafe.sdk.tpsi" if from_protocol else "config",
        "adv_1_at_default_rate": default_adv,
        "worst_adv_1_at_default_rate": worst,
        "advantage_table": table,
        f"smallest_tried_rate_with_adv_1_le_{config.bound}": needed,
    }
    notes = [
        "advantage = total-variation distance between the statistic's distributions "
        f"(Monte Carlo, {config.trials} accounts per cell; noise_floor = same distribution "
        "sampled twice)",
    ]
    if from_protocol:
        evidence["model_matches_protocol"] = _check_against_protocol(config)
        if config.timing_pairs:
            evidence["generation_time_ms"] = _generation_timing(config.timing_pairs)
    else:
        notes.append("model not checked against the protocol (vouchsafe.sdk.tpsi absent)")
    return AttackOutcome(claim=claim, held=held, evidence=evidence, notes=tuple(notes))


def _check_against_protocol(config: Config) -> dict[str, object]:
    """Real vouchers of one account: do (opened, distinct, singletons) follow the model?

    The model's mechanism, applied to this account's own synthetic decisions
    (``synthetic_slot``), predicts the three statistics exactly; the server's view is
    computed from what ``process_voucher`` really opens.
    """
    from collections import Counter

    from vouchsafe.sdk.tpsi import (
        blind_hash_set,
        generate_server_keys,
        generate_voucher,
        new_account,
        process_voucher,
    )
    from vouchsafe.sdk.tpsi.account import synthetic_slot

    known = [bytes([i]) * 32 for i in range(1, 9)]
    server_key = generate_server_keys()
    # Few slots, so that synthetics share slots and the duplicate-tag rule is exercised.
    blinded = blind_hash_set(server_key, known, max_candidates=1, synthetic_max=4)
    # A high rate so that a small run has several synthetics and shared slots.
    account = new_account(blinded.params, threshold=config.threshold, synthetic_rate=0.3)
    real = 0
    slot_hits: Counter[int] = Counter()
    tags: Counter[bytes] = Counter()
    for i in range(config.check_items):
        item_id = f"item-{i}".encode()
        matching = i % 5 == 0
        y = known[i % len(known)] if matching else b"x" + i.to_bytes(31, "big")
        voucher = generate_voucher(
            account, blinded, candidate_hashes=[y], item_id=item_id, associated_data=b"ad"
        )
        opened = process_voucher(server_key, blinded, voucher)
        if opened is not None:
            tags[opened.item_tag] += 1
        slot = synthetic_slot(account, item_id)
        if slot is not None:
            slot_hits[slot] += 1
        elif matching:
            real += 1
    predicted = (
        real + sum(slot_hits.values()),
        real + len(slot_hits),
        real + sum(1 for c in slot_hits.values() if c == 1),
    )
    observed = (sum(tags.values()), len(tags), sum(1 for c in tags.values() if c == 1))
    return {
        "agree": predicted == observed,
        "items": config.check_items,
        "predicted_opened_distinct_singletons": list(predicted),
        "observed_opened_distinct_singletons": list(observed),
    }


def _generation_timing(pairs: int) -> dict[str, float]:
    """Wall time of making a real vs a synthetic voucher, interleaved to cancel machine drift.

    A server that relays the message and receives the voucher sees roughly when each was made;
    a systematic difference would let it label synthetic vouchers. Measured, not asserted.
    """
    import statistics
    import time

    from vouchsafe.sdk.tpsi import (
        blind_hash_set,
        generate_server_keys,
        generate_voucher,
        new_account,
    )

    known = [bytes([i]) * 32 for i in range(1, 65)]
    blinded = blind_hash_set(generate_server_keys(), known, max_candidates=16)
    real = new_account(blinded.params, threshold=10, synthetic_rate=0.0)
    synthetic = new_account(blinded.params, threshold=10, synthetic_rate=1.0)
    candidates = [bytes([200 + i]) * 32 for i in range(16)]
    real_times: list[float] = []
    synthetic_times: list[float] = []
    for i in range(pairs):
        for account, sink in ((real, real_times), (synthetic, synthetic_times)):
            start = time.perf_counter()
            generate_voucher(
                account, blinded, candidate_hashes=candidates, item_id=b"%d" % i,
                associated_data=b"x" * 100,
            )
            sink.append(time.perf_counter() - start)
    diffs = [s - r for r, s in zip(real_times, synthetic_times, strict=True)]
    return {
        "real_median": round(statistics.median(real_times) * 1e3, 3),
        "synthetic_median": round(statistics.median(synthetic_times) * 1e3, 3),
        "paired_difference_median": round(statistics.median(diffs) * 1e3, 3),
        "share_of_pairs_synthetic_slower": round(sum(d > 0 for d in diffs) / pairs, 3),
    }
