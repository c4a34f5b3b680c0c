"""Attack 3: below-threshold inference from opened-voucher counts.

The honest-but-curious server cannot read associated data below the match threshold ``t``, but
it sees, per account, how many vouchers it received (``n``) and how many opened (``O``).
Synthetic vouchers open too, so ``O`` mixes real matches with synthetics. This attack computes,
exactly (no sampling), the server's best advantage at:

- telling an account with one real match from one with none (``adv_1``),
- telling ``t - 1`` real matches from none (``adv_t-1``),
- guessing the real count in 0..t-1 under a uniform prior (gain over 1/t),

for a grid of synthetic rates and activity levels, and the smallest rate keeping ``adv_1`` and
``adv_t-1`` under a stated bound. When the protocol core is installed it also checks the model
against the real protocol: it generates the vouchers of small accounts with
``sdk.tpsi`` and counts what ``process_voucher`` opens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from threat_model.attacks import counting
from threat_model.attacks.base import AttackOutcome

NUMBER = 3
NAME = "below-threshold"
TITLE = "below-threshold inference: estimate real match counts from opened-voucher counts"


@dataclass(frozen=True)
class Config:
    """Synthetic-rate grid, activity levels (items per account) and the advantage bound."""

    threshold: int = 10
    # The rate the claim is about; calibrated in SPEC.md so synthetics per account ~ t.
    default_rate: float = 0.02
    # s_max, the cap on synthetic vouchers per account; 0 means no cap.
    cap: int = 0
    rates: tuple[float, ...] = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1)
    activities: tuple[int, ...] = (10, 100, 1000, 10000)
    bound: float = 0.1
    # The claim covers accounts that uploaded at least this many items.
    min_items: int = 1000


def _rate_grid() -> np.ndarray:
    return np.unique(np.round(np.geomspace(1e-4, 0.5, 120), 6))


def run(config: Config) -> AttackOutcome:
    """Computes the advantage table and the rates needed; decides the claim from them."""
    cap = config.cap or None
    t = config.threshold
    table: dict[str, dict[str, float]] = {}
    for n in config.activities:
        for rate in config.rates:
            table[f"n={n} rate={rate}"] = {
                "adv_1": round(counting.distinguishing_advantage(n, 1, rate, cap), 4),
                f"adv_{t - 1}": round(counting.distinguishing_advantage(n, t - 1, rate, cap), 4),
                "guess_gain": round(counting.guessing_advantage(n, t, rate, cap), 4),
                "expected_synthetics": round(min(n * rate, cap or n), 2),
            }
    grid = _rate_grid()
    needed: dict[str, dict[str, float | None]] = {}
    for n in config.activities:
        needed[f"n={n}"] = {
            "rate_for_adv_1": counting.smallest_rate(n, 1, cap, config.bound, grid),
            f"rate_for_adv_{t - 1}": counting.smallest_rate(n, t - 1, cap, config.bound, grid),
        }
    at_default = {
        f"n={n}": round(counting.distinguishing_advantage(n, 1, config.default_rate, cap), 4)
        for n in config.activities
    }
    covered = [n for n in config.activities if n >= config.min_items]
    held = bool(covered) and all(
        counting.distinguishing_advantage(n, 1, config.default_rate, cap) <= config.bound
        for n in covered
    )
    claim = (
        f"At synthetic rate {config.default_rate}, an account's opened-voucher count gives the "
        f"server advantage <= {config.bound} at telling one real match from none, for accounts "
        f"with >= {config.min_items} items (t={t}, cap={'none' if cap is None else cap})"
    )
    evidence: dict[str, object] = {
        "model": "O = m + min(Binomial(n - m, rate), cap); advantage = total-variation distance",
        "advantage_table": table,
        "adv_1_at_default_rate": at_default,
        "smallest_rate_for_bound": needed,
    }
    notes = (
        f"hiding {t - 1} real matches needs far higher rates than hiding one: "
        "synthetic vouchers blur the count, they do not hide it",
    )
    return AttackOutcome(claim=claim, held=held, evidence=evidence, notes=notes)
