"""Attack 2: evasion — the smallest perturbation that makes a known image miss.

For each known (benign stand-in) image the attacker, querying only the device's hash, pushes
the image's PDQ bits away from its own hash with the least distortion the black-box search
finds (:func:`perturb.steer_bits` towards the complement of the original hash, amplitudes
smallest first), and stops at two levels:

1. **PSI miss**: no PSI candidate of the perturbed image is among the known item's hash-set
   keys, so no voucher can open;
2. **PDQ miss**: the full hash is more than 31 bits from the original, so even a plaintext
   PDQ@31 match (the baseline industry hash matching uses) would miss it.

It reports the success rate at each level and the distortion (PSNR, SSIM) it cost, and the
success rate under distortion budgets (PSNR >= 40/35/30 dB).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vouchsafe.threat_model.attacks import perturb, pipeline
from vouchsafe.threat_model.attacks.base import AttackOutcome

NUMBER = 2
NAME = "evasion"
TITLE = "evasion: smallest black-box perturbation that makes a known image miss"


@dataclass(frozen=True)
class Config:
    """Images attacked, queries per image and per level, and the search's settings."""

    images: int = 6
    first: int = 0
    side: int = 256
    budget: int = 1500
    basis: int = 17
    probe_amplitude: float = 24.0
    amplitudes: tuple[float, ...] = (2.0, 4.0, 8.0, 16.0)
    seed: int = 2
    # The claim: evasion of the PSI match is possible at or above this PSNR for most images.
    claim_psnr: float = 30.0


def run(config: Config) -> AttackOutcome:
    """Attacks each image at both levels and summarises success against distortion."""
    pipeline.require_media()
    rng = np.random.default_rng(config.seed)
    limit = pipeline.match_distance()
    per_image: list[dict[str, object]] = []
    psi_psnr: list[float] = []
    pdq_psnr: list[float] = []
    coarse = pipeline.coarse_mask()
    for name, pixels in pipeline.load_corpus(config.images, config.first, config.side):
        original = pipeline.hash_pixels(pixels)
        keys = pipeline.set_keys(original.perceptual_hash)
        start_bits = pipeline.hash_bits(pixels)
        basis = perturb.cosine_basis(pixels.shape[0], pixels.shape[1], config.basis)
        movers, probes = perturb.probe(pixels, pipeline.hash_bits, basis, config.probe_amplitude)

        def psi_miss(candidate: pipeline.Pixels, keys: frozenset[bytes] = keys) -> bool:
            return not (pipeline.hash_pixels(candidate).candidates & keys)

        def pdq_miss(candidate: pipeline.Pixels, h: bytes = original.perceptual_hash) -> bool:
            return pipeline.distance(pipeline.hash_pixels(candidate).perceptual_hash, h) > limit

        row: dict[str, object] = {"image": name, "already_missing": psi_miss(pixels)}
        levels = (("psi", psi_miss, psi_psnr, coarse), ("pdq", pdq_miss, pdq_psnr, None))
        for level, goal, sink, mask in levels:
            # The candidate scheme is public: for the PSI level only the coarse bits matter.
            result = perturb.steer_bits(
                pixels, pipeline.hash_bits, ~start_bits, goal,
                k=config.basis, budget=config.budget, probe_amplitude=config.probe_amplitude,
                amplitudes=config.amplitudes, rng=rng, movers=movers, mask=mask,
            )
            result = perturb.shrink(pixels, result, goal)
            quality = perturb.psnr(pixels, result.pixels)
            row[level] = {
                "missed": result.reached,
                "queries": result.queries + probes,
                "psnr_db": round(quality, 2),
                "ssim": round(perturb.ssim(pixels, result.pixels), 4),
            }
            if result.reached:
                sink.append(quality)
        per_image.append(row)
    n = len(per_image)

    def rate_at(values: list[float], floor: float) -> float:
        return round(sum(v >= floor for v in values) / n, 3) if n else 0.0

    evidence: dict[str, object] = {
        "images": n,
        "psi_miss_rate": round(len(psi_psnr) / n, 3) if n else 0.0,
        "pdq31_miss_rate": round(len(pdq_psnr) / n, 3) if n else 0.0,
        "psi_miss_median_psnr_db": round(float(np.median(psi_psnr)), 2) if psi_psnr else None,
        "pdq31_miss_median_psnr_db": round(float(np.median(pdq_psnr)), 2) if pdq_psnr else None,
        "psi_miss_rate_at_psnr": {f">={f}dB": rate_at(psi_psnr, f) for f in (40.0, 35.0, 30.0)},
        "pdq31_miss_rate_at_psnr": {f">={f}dB": rate_at(pdq_psnr, f) for f in (40.0, 35.0, 30.0)},
        "per_image": per_image,
    }
    held = n > 0 and rate_at(psi_psnr, config.claim_psnr) > 0.5
    claim = (
        f"Documented limit: a black-box attacker makes most known images miss the PSI match "
        f"with a perturbation of PSNR >= {config.claim_psnr} dB (perceptual hashing is not "
        "robust to adversarial evasion; Jain et al. 2022)"
    )
    return AttackOutcome(claim=claim, held=held, evidence=evidence)
