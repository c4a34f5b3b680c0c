"""Framing against the second check: forgeries that beat PDQ, checked by the keyed hash.

The provider side (:class:`ProviderCheck`) draws a fresh confirmation key the attacker never
sees, lists the known item's confirmation hash as a source would (from its visual derivative)
and runs the server's check on a forged image's derivative (``vouchsafe.server.confirmation``).

The attacker side (:func:`forge_both`) is white-box on everything public: it alternates the PDQ
forger (``pdq_whitebox``) with :func:`steer_features`, a gradient search on the 32 x 32 grey grid
the confirmation features are computed from, aiming at the target's bits under a projection it
chooses: the identity (the **unkeyed** version: the signs of the centred features themselves) or,
for the "attacker learned the key" case, the provider's real projection. The derivative pipeline
(grey, box-downsample, 16 levels) is not differentiable, so each round steers the grid by
finite differences, lifts the change to full resolution (the same offset on R, G and B over each
grid cell), and re-measures through the real pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vouchsafe.sdk.visual_derivative import visual_derivative
from vouchsafe.server.confirmation.key import generate_confirmation_key
from vouchsafe.server.confirmation.keyed_hash import (
    CENTRE,
    FEATURE_COUNT,
    ConfirmationHasher,
    features_of_pixels,
    grey_pixels,
    listing_distance,
    split_listing,
)
from vouchsafe.threat_model.attacks import pipeline
from vouchsafe.threat_model.attacks.perturb import Pixels

FloatArray = NDArray[np.float64]
FD_STEP = 2.0  # grey levels: the finite-difference step on the 32 x 32 grid
FD_CELL = 2  # pixels of the grid moved together by one finite-difference direction


def grid_of(pixels: Pixels) -> FloatArray:
    """The 32 x 32 grey grid the confirmation features see for an RGB image."""
    return grey_pixels(visual_derivative(Image.fromarray(pixels)))


def bits_on_grid(grid: FloatArray, projection: FloatArray) -> NDArray[np.bool_]:
    """The bits ``projection`` gives the features of ``grid`` (a batch if grid is 3-D)."""
    bits: NDArray[np.bool_] = (features_of_pixels(grid) - CENTRE) @ projection.T > 0
    return bits


def unkeyed_projection() -> FloatArray:
    """The attacker's unkeyed guess: bit i is the sign of centred feature i."""
    return np.eye(FEATURE_COUNT)


@dataclass(frozen=True)
class ProviderCheck:
    """The server's keyed check under a secret key drawn here (never shown to the attacker)."""

    hasher: ConfirmationHasher = field(repr=False)

    @classmethod
    def fresh(cls) -> ProviderCheck:
        """A provider with a new random confirmation key."""
        return cls(ConfirmationHasher(generate_confirmation_key()))

    @property
    def projection(self) -> FloatArray:
        """The secret projection (only the "attacker learned the key" experiment reads it)."""
        return self.hasher.projection

    def listed_hash(self, target: Pixels) -> bytes:
        """The known item's confirmation listing, as its source organisation lists it (the
        hashes of its tone variants, concatenated)."""
        return self.hasher.listing(Image.fromarray(target))

    def distance(self, forged: Pixels, listed: bytes) -> int:
        """The keyed-hash distance the server measures for the forged image's derivative (to
        the nearest hash of the listing)."""
        derivative = visual_derivative(Image.fromarray(forged))
        return listing_distance(self.hasher.hash_derivative(derivative), split_listing(listed))


def _hinge(grids: FloatArray, projection: FloatArray, signs: FloatArray) -> FloatArray:
    scores = (features_of_pixels(grids) - CENTRE) @ projection.T
    loss: FloatArray = np.maximum(0.0, 0.05 - signs * scores).sum(axis=-1)
    return loss


def steer_features(
    pixels: Pixels,
    goal: NDArray[np.bool_],
    projection: FloatArray,
    *,
    steps: int = 40,
    step_size: float = 2.0,
    max_offset: float = 48.0,
) -> Pixels:
    """Moves the image so its grid's bits under ``projection`` approach ``goal``."""
    height, width = pixels.shape[:2]
    grid = grid_of(pixels)
    side = grid.shape[0]
    signs = np.where(goal, 1.0, -1.0)
    offset = np.zeros_like(grid)
    cells = side // FD_CELL
    # One finite-difference direction per FD_CELL x FD_CELL cell of the grid.
    eye = np.kron(np.eye(cells * cells).reshape(-1, cells, cells), np.ones((FD_CELL, FD_CELL)))
    for _ in range(steps):
        here = grid + offset
        if not np.any(bits_on_grid(here, projection) != goal):
            break
        base = _hinge(here, projection, signs)
        slopes = (_hinge(here[None] + FD_STEP * eye, projection, signs) - base) / FD_STEP
        gradient = np.kron(slopes.reshape(cells, cells), np.ones((FD_CELL, FD_CELL)))
        largest = float(np.abs(gradient).max())
        if largest == 0.0:
            break
        offset = np.clip(offset - step_size * gradient / largest, -max_offset, max_offset)
    rows = np.arange(height) * side // height
    cols = np.arange(width) * side // width
    lifted = offset[rows][:, cols]
    moved = pixels.astype(np.float64) + lifted[:, :, None]
    out: Pixels = np.clip(np.rint(moved), 0, 255).astype(np.uint8)
    return out


@dataclass(frozen=True)
class Forgery:
    """A forged image and what each check made of it."""

    pixels: Pixels
    pdq_distance: int
    psi_collision: bool
    confirmation_distance: int


def forge_both(
    source: Pixels,
    target: Pixels,
    projection: FloatArray | None,
    *,
    rounds: int = 3,
) -> Pixels:
    """A white-box PDQ forgery of ``target`` from ``source``, alternated with feature steering
    towards the target's bits under ``projection`` (None: PDQ only)."""
    from vouchsafe.threat_model.attacks import pdq_whitebox

    goal_pdq = pipeline.hash_bits(target)
    everything = np.ones(256, dtype=bool)
    current = source
    goal = None if projection is None else bits_on_grid(grid_of(target), projection)
    for _ in range(rounds if projection is not None else 1):
        if goal is not None and projection is not None:
            current = steer_features(current, goal, projection)
        current = pdq_whitebox.forge(
            current, goal_pdq, everything, allowed_wrong=24, must=pipeline.coarse_mask()
        ).pixels
    return current


def judge(forged: Pixels, target: Pixels, provider: ProviderCheck, listed: bytes) -> Forgery:
    """Runs the device-side hashes and the server's keyed check on a forged image."""
    target_hash = pipeline.hash_pixels(target).perceptual_hash
    keys = pipeline.set_keys(target_hash)
    hashed = pipeline.hash_pixels(forged)
    return Forgery(
        pixels=forged,
        pdq_distance=pipeline.distance(hashed.perceptual_hash, target_hash),
        psi_collision=bool(hashed.candidates & keys),
        confirmation_distance=provider.distance(forged, listed),
    )


def reconstruct_from_pdq(goal_bits: NDArray[np.bool_], shape: tuple[int, ...]) -> Pixels:
    """The hash-only attacker's guess at the known item: a flat grey image forged until its PDQ
    bits equal ``goal_bits`` (PDQ is linear before its median, so this is the least-norm
    picture with that hash, pushed well past the median)."""
    from vouchsafe.threat_model.attacks import pdq_whitebox

    flat = np.full(shape, 128, dtype=np.uint8)
    everything = np.ones(goal_bits.shape[0], dtype=bool)
    guess: Pixels = pdq_whitebox.forge(
        flat, goal_bits, everything, allowed_wrong=0, margin=20.0
    ).pixels
    return guess


# The forgers of the framing attack's confirmation stage, by the knowledge they assume.
HASH_ONLY_VARIANTS: tuple[str, ...] = ("pdq_only", "pdq_plus_unkeyed_guess_from_hash")
HOLDER_VARIANTS: tuple[str, ...] = ("holds_image_unkeyed", "learned_key")


def forge_variant(
    variant: str, source: Pixels, target: Pixels, provider: ProviderCheck
) -> Pixels:
    """The forgery of ``variant``: what the attacker aims at, and with what it knows.

    ``pdq_only``: PDQ (and its PSI candidates) only; ``pdq_plus_unkeyed_guess_from_hash``: PDQ
    plus the unkeyed features of a picture reconstructed from the known item's PDQ hash (all a
    hash-holding attacker can guess); ``holds_image_unkeyed``: PDQ plus the unkeyed features of
    the known item itself (the attacker holds the picture); ``learned_key``: PDQ plus the
    provider's real keyed bits of the known item.
    """
    if variant == "pdq_only":
        return forge_both(source, target, None)
    if variant == "pdq_plus_unkeyed_guess_from_hash":
        guess = reconstruct_from_pdq(pipeline.hash_bits(target), target.shape)
        forged = forge_both(source, guess, unkeyed_projection())
        # The guess has the target's PDQ bits; finish against them for the PSI collision.
        return forge_both(forged, target, None)
    if variant == "holds_image_unkeyed":
        return forge_both(source, target, unkeyed_projection())
    if variant == "learned_key":
        return forge_both(source, target, provider.projection)
    raise ValueError(f"unknown forgery variant {variant!r}")


def confirmation_stage(
    pairs: list[tuple[Pixels, Pixels]], variants: tuple[str, ...]
) -> dict[str, object]:
    """Runs every forger of ``variants`` on every (source, target) pair against a provider with
    a fresh secret key; per variant: how many forgeries passed both checks (PDQ within 31 with
    a PSI collision, then the keyed hash within its distance) and how many of those would fool
    the review proxy (SSIM to the target at least SSIM to the source)."""
    from vouchsafe.server.confirmation.keyed_hash import CONFIRMATION_MATCH_DISTANCE
    from vouchsafe.threat_model.attacks import perturb

    provider = ProviderCheck.fresh()
    limit = pipeline.match_distance()
    results: dict[str, object] = {"confirmation_match_distance": CONFIRMATION_MATCH_DISTANCE}
    for variant in variants:
        rows = []
        for source, target in pairs:
            listed = provider.listed_hash(target)
            forged = forge_variant(variant, source, target, provider)
            seen = judge(forged, target, provider, listed)
            first = seen.pdq_distance <= limit and seen.psi_collision
            both = first and seen.confirmation_distance <= CONFIRMATION_MATCH_DISTANCE
            view = Image.fromarray(target).resize((source.shape[1], source.shape[0]))
            to_target = perturb.ssim(forged, np.asarray(view, dtype=np.uint8))
            to_source = perturb.ssim(forged, source)
            rows.append({
                "pdq_distance": seen.pdq_distance,
                "psi_collision": seen.psi_collision,
                "confirmation_distance": seen.confirmation_distance,
                "passes_pdq_and_psi": first,
                "passes_both_checks": both,
                "psnr_db": round(perturb.psnr(source, forged), 2),
                "ssim_to_source": round(to_source, 4),
                "ssim_to_target": round(to_target, 4),
                "would_fool_review": bool(both and to_target >= to_source),
            })  # fmt: skip
        results[variant] = {
            "forgeries": len(rows),
            "passed_pdq_and_psi": sum(bool(r["passes_pdq_and_psi"]) for r in rows),
            "passed_both_checks": sum(bool(r["passes_both_checks"]) for r in rows),
            "would_fool_review": sum(bool(r["would_fool_review"]) for r in rows),
            "per_pair": rows,
        }
    return results
