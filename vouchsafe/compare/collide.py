"""Crafting benign images whose PDQ hash collides with a chosen target (the framing scenario).

PDQ is linear up to its final median threshold: the 16x16 coefficients are ``D A D^T`` of the
64x64 decimated luminance ``A``. To move an ordinary photo's hash onto a target hash, we compute
its real coefficients (``vouchsafe.sdk.media.pdq``), choose for each coefficient on the wrong side
of the
median (or too close to it) the change that puts it on the target's side with a margin, map that
change back to pixels with ``D^T delta D`` (upsampled to the image), add it to every colour
channel, re-encode the image exactly as the messenger would, and repeat until the sent image's
hash is within ``goal_distance`` of the target. The result still looks like the ordinary photo,
with a faint low-frequency pattern over it: a second preimage for PDQ, the weakness that any
hash-based mode (tPSI-AD included) inherits and that only human review of the visual derivative
catches.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image

from vouchsafe.compare.population import encode_for_sending
from vouchsafe.compare.scenario import Scenario
from vouchsafe.compare.signals import Signals
from vouchsafe.compare.sketch import dct_basis, hash_signs
from vouchsafe.sdk.media import pdq
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.media.pdq import hamming

GOAL_DISTANCE = 8
MAX_ROUNDS = 40


def craft_collision(
    source: Image.Image,
    target_hash: bytes,
    signals: Signals,
    max_side: int,
    jpeg_quality: int,
    goal_distance: int = GOAL_DISTANCE,
) -> tuple[Image.Image, int]:
    """An image that looks like ``source`` but whose sent form hashes within ``goal_distance``
    of ``target_hash`` (or as close as ``MAX_ROUNDS`` got); returns it and the distance."""
    d = dct_basis()
    signs = hash_signs(target_hash)
    picture = source.convert("RGB").copy()
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    pixels = np.asarray(picture, dtype=np.float64)
    best = (picture, 256)
    margin = 8.0
    for _round in range(MAX_ROUNDS):
        sent = encode_for_sending(Image.fromarray(_to_u8(pixels)), max_side, jpeg_quality)
        distance = hamming(signals.hash_media(sent)[0], target_hash)
        if distance < best[1]:
            best = (Image.open(io.BytesIO(sent)).convert("RGB"), distance)
        if distance <= goal_distance:
            break
        coefficients = np.asarray(
            pdq.pdq_from_image(decode_image(sent)).coefficients, dtype=np.float64
        )
        centred = coefficients - float(np.median(coefficients))
        short = signs * centred < margin
        delta = np.where(short, signs * margin - centred, 0.0)
        change = _upsample(d.T @ delta @ d, pixels.shape[1], pixels.shape[0])
        pixels = np.clip(pixels + change[:, :, None], 0.0, 255.0)
        margin *= 1.15
    return best


def _to_u8(pixels: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, np.dtype[np.uint8]]:
    return np.asarray(np.clip(np.rint(pixels), 0, 255), dtype=np.uint8)


def _upsample(
    grid: np.ndarray[Any, np.dtype[np.float64]], width: int, height: int
) -> np.ndarray[Any, np.dtype[np.float64]]:
    image = Image.fromarray(grid.astype(np.float32), mode="F")
    return np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float64)


def make_crafter(
    signals: Signals, scenario: Scenario
) -> Callable[[Image.Image, bytes], Image.Image]:
    """The crafter ``build_population`` calls for each colliding item."""

    def crafter(source: Image.Image, target_hash: bytes) -> Image.Image:
        image, _distance = craft_collision(
            source, target_hash, signals, scenario.max_side, scenario.jpeg_quality
        )
        return image

    return crafter
