"""The black-box search and the distortion metrics the framing and evasion attacks report."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from vouchsafe.imagegen import synthetic_image
from vouchsafe.threat_model.attacks import perturb


def _pixels(seed: int) -> perturb.Pixels:
    return np.asarray(synthetic_image(seed, (64, 64)), dtype=np.uint8)


def _block_hash(pixels: perturb.Pixels) -> NDArray[np.bool_]:
    """A toy median-threshold hash: 4x4 block means of the luminance against their median."""
    luma = pixels.astype(np.float64).mean(axis=2)
    blocks = luma.reshape(4, 16, 4, 16).mean(axis=(1, 3)).reshape(-1)
    bits: NDArray[np.bool_] = blocks > np.median(blocks)
    return bits


def test_psnr_and_ssim_are_perfect_for_identical_images_and_drop_with_noise() -> None:
    image = _pixels(1)
    assert perturb.psnr(image, image) == float("inf")
    assert perturb.ssim(image, image) == 1.0
    rng = np.random.default_rng(0)
    noisy = np.clip(image + rng.normal(0, 20, image.shape), 0, 255).astype(np.uint8)
    assert 15.0 < perturb.psnr(image, noisy) < 30.0
    assert perturb.ssim(image, noisy) < 0.9


def test_steer_bits_reaches_a_target_hash_by_queries_only() -> None:
    source, other = _pixels(1), _pixels(2)
    target = _block_hash(other)
    start = int(np.count_nonzero(_block_hash(source) != target))
    assert start > 0
    result = perturb.steer_bits(
        source,
        _block_hash,
        target,
        lambda p: bool(np.array_equal(_block_hash(p), target)),
        k=5,
        budget=3000,
        probe_amplitude=40.0,
        amplitudes=(5.0, 10.0, 20.0, 40.0),
        rng=np.random.default_rng(0),
    )
    assert result.reached
    assert np.array_equal(_block_hash(result.pixels), target)
    assert result.queries <= 3000


def test_steer_bits_reports_failure_when_the_budget_is_too_small() -> None:
    source, other = _pixels(1), _pixels(2)
    target = _block_hash(other)
    result = perturb.steer_bits(
        source,
        _block_hash,
        target,
        lambda p: bool(np.array_equal(_block_hash(p), target)),
        k=5,
        budget=10,
        probe_amplitude=40.0,
        amplitudes=(5.0,),
        rng=np.random.default_rng(0),
    )
    assert not result.reached
