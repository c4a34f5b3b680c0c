"""Black-box pixel search used by the framing and evasion attacks, and distortion metrics.

The attacker only queries a function ``pixels -> score`` (a perceptual hash run on the device is
a black box it can call as often as it likes); it sees no gradient and no internals. It searches
over a smooth, low-dimensional perturbation: luminance offsets spanned by the K x K lowest
two-dimensional cosine patterns of the whole image. Perceptual hashes look at coarse structure,
so an attacker who knows only that would choose such a basis; it also keeps the distortion
smooth rather than noisy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Pixels = NDArray[np.uint8]
# movers[(bit, value)]: the (basis pattern, sign) moves seen to set output ``bit`` to ``value``.
Movers = dict[tuple[int, bool], list[tuple[int, float]]]
# Pair moves tried without progress before the search re-probes, and how often it may.
STALE_LIMIT = 200
MAX_REPROBES = 2
SINGLE_MOVE_SHARE = 0.25


def cosine_basis(height: int, width: int, k: int) -> FloatArray:
    """``(k*k, H, W)`` unit-peak 2-D cosine patterns, lowest frequencies first (DC excluded)."""
    ys = (np.arange(height) + 0.5) / height
    xs = (np.arange(width) + 0.5) / width
    patterns = []
    for u in range(k):
        for v in range(k):
            if u == 0 and v == 0:
                continue
            patterns.append(np.outer(np.cos(np.pi * u * ys), np.cos(np.pi * v * xs)))
    return np.stack(patterns)


def apply(source: Pixels, basis: FloatArray, theta: FloatArray) -> Pixels:
    """``source`` plus the luminance offset ``sum(theta_i * basis_i)``, clipped to uint8."""
    offset = np.tensordot(theta, basis, axes=1)
    out = source.astype(np.float64) + offset[:, :, None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class SearchResult:
    """The best perturbation found, its score, whether it reached the goal, and queries used."""

    pixels: Pixels
    score: float
    reached: bool
    queries: int
    offset: FloatArray | None = None


def psnr(a: Pixels, b: Pixels) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 images (inf when equal)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    if mse == 0.0:
        return float("inf")
    return 10.0 * float(np.log10(255.0**2 / mse))


def _gray(pixels: Pixels) -> FloatArray:
    rgb = pixels.astype(np.float64)
    gray: FloatArray = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    return gray


def _box_mean(image: FloatArray, size: int) -> FloatArray:
    padded = np.pad(image, ((1, 0), (1, 0)))
    integral = padded.cumsum(0).cumsum(1)
    total = (
        integral[size:, size:]
        - integral[:-size, size:]
        - integral[size:, :-size]
        + integral[:-size, :-size]
    )
    mean: FloatArray = total / (size * size)
    return mean


def ssim(a: Pixels, b: Pixels, window: int = 7) -> float:
    """Mean structural similarity of the luminance (Wang et al. 2004; 7x7 uniform window)."""
    x, y = _gray(a), _gray(b)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _box_mean(x, window), _box_mean(y, window)
    sxx = _box_mean(x * x, window) - mx * mx
    syy = _box_mean(y * y, window) - my * my
    sxy = _box_mean(x * y, window) - mx * my
    numerator = (2 * mx * my + c1) * (2 * sxy + c2)
    denominator = (mx * mx + my * my + c1) * (sxx + syy + c2)
    return float(np.mean(numerator / denominator))


def _render(base: FloatArray, offset: FloatArray) -> Pixels:
    return np.clip(np.rint(base + offset[:, :, None]), 0, 255).astype(np.uint8)


def steer_bits(
    source: Pixels,
    bits_of: Callable[[Pixels], NDArray[np.bool_]],
    target: NDArray[np.bool_],
    goal: Callable[[Pixels], bool],
    *,
    k: int,
    budget: int,
    probe_amplitude: float,
    amplitudes: tuple[float, ...],
    rng: np.random.Generator,
    movers: Movers | None = None,
    mask: NDArray[np.bool_] | None = None,
) -> SearchResult:
    """Moves the black-box hash ``bits_of(pixels)`` towards ``target`` until ``goal`` holds.

    Query-only, in two phases. Probe: add each basis pattern with +-``probe_amplitude`` once
    and record which output bits it turns on or off (2 queries per pattern; this learns the
    hash's structure without reading its code). Steer: hashes with a median threshold keep
    the number of set bits fixed, so one wrong 0 and one wrong 1 are fixed together: pick such
    a pair, add the two patterns the probe linked to them, with amplitudes from smallest up,
    and keep the move if the Hamming distance to ``target`` falls. ``score`` is that distance,
    counted only over the bits in ``mask`` (default: all) when the goal depends on some bits.
    """
    height, width = source.shape[:2]
    basis = cosine_basis(height, width, k)
    base = source.astype(np.float64)
    start = bits_of(source)
    queries = 1
    if movers is None:
        movers, used = probe(source, bits_of, basis, probe_amplitude)
        queries += used
    else:
        movers = {key: list(moves) for key, moves in movers.items()}
    care = np.ones(target.shape, dtype=bool) if mask is None else mask
    offset = np.zeros((height, width))
    current = source
    bits = start
    best = int(np.count_nonzero((bits != target) & care))
    stale = 0
    reprobes = 0
    while queries < budget and not goal(current):
        want_on = [b for b in np.flatnonzero(~bits & target & care) if (int(b), True) in movers]
        want_off = [b for b in np.flatnonzero(bits & ~target & care) if (int(b), False) in movers]
        if (not want_on and not want_off) or stale >= STALE_LIMIT:
            # Stuck: learn the structure again around the current image, with a larger push.
            if reprobes >= MAX_REPROBES or queries + 2 * len(basis) > budget:
                break
            reprobes += 1
            amplitude = probe_amplitude * 2.0**reprobes
            fresh, used = probe(current, bits_of, basis, amplitude)
            queries += used
            for key, moves in fresh.items():
                movers.setdefault(key, []).extend(moves)
            stale = 0
            continue
        direction = np.zeros((height, width))
        # Mostly pair moves; single moves too, since the median itself shifts as pixels move.
        single = not want_on or not want_off or rng.random() < SINGLE_MOVE_SHARE
        for wanted, value in ((want_on, True), (want_off, False)):
            if not wanted or (single and direction.any()):
                continue
            bit = int(rng.choice(wanted))
            pattern, sign = movers[(bit, value)][int(rng.integers(len(movers[(bit, value)])))]
            direction = direction + sign * basis[pattern]
        stale += 1
        for amplitude in amplitudes:
            trial = offset + amplitude * direction
            candidate = _render(base, trial)
            trial_bits = bits_of(candidate)
            queries += 1
            distance = int(np.count_nonzero((trial_bits != target) & care))
            if distance < best:
                offset, current, bits, best, stale = trial, candidate, trial_bits, distance, 0
                break
            if queries >= budget:
                break
    return SearchResult(current, float(best), goal(current), queries, offset)


def shrink(
    source: Pixels, result: SearchResult, goal: Callable[[Pixels], bool], steps: int = 8
) -> SearchResult:
    """Scales a successful perturbation down as far as ``goal`` still holds (bisection).

    The search adds moves until it reaches the goal; part of what it added is usually not
    needed. ``steps`` queries bisect the scale factor in (0, 1].
    """
    if not result.reached or result.offset is None:
        return result
    base = source.astype(np.float64)
    low, high = 0.0, 1.0
    best = result.pixels
    for _ in range(steps):
        middle = (low + high) / 2.0
        candidate = _render(base, middle * result.offset)
        if goal(candidate):
            high, best = middle, candidate
        else:
            low = middle
    return SearchResult(best, result.score, True, result.queries + steps, high * result.offset)


def probe(
    source: Pixels,
    bits_of: Callable[[Pixels], NDArray[np.bool_]],
    basis: FloatArray,
    amplitude: float,
) -> tuple[Movers, int]:
    """Which output bits each basis pattern turns on/off: ``movers[(bit, value)]`` lists the
    (pattern, sign) pairs that set ``bit`` to ``value``; also returns the queries used."""
    base = source.astype(np.float64)
    start = bits_of(source)
    movers: Movers = {}
    queries = 0
    for index in range(len(basis)):
        for sign in (1.0, -1.0):
            probed = bits_of(_render(base, sign * amplitude * basis[index]))
            queries += 1
            for bit in np.flatnonzero(probed != start):
                movers.setdefault((int(bit), bool(probed[bit])), []).append((index, sign))
    return movers, queries
