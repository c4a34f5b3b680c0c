"""Deterministic, benign synthetic images for tests that need no corpus.

Each image is drawn from a seed: smooth colour gradients, a few filled shapes and mild texture,
so that perceptual hashes of different seeds differ while each image has real structure.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw


def synthetic_image(seed: int, size: tuple[int, int] = (256, 192)) -> Image.Image:
    """An RGB image that depends only on ``seed`` and ``size``."""
    rng = np.random.default_rng(seed)
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    channels = []
    for _ in range(3):
        fx, fy = rng.uniform(0.5, 3.0, size=2)
        phase = rng.uniform(0, 2 * np.pi)
        wave = np.sin(2 * np.pi * (fx * xs / width + fy * ys / height) + phase)
        channels.append(127.5 + 100.0 * wave)
    pixels = np.stack(channels, axis=-1)
    pixels += rng.normal(0.0, 6.0, size=pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(2, 6))):
        x0, x1 = sorted(rng.integers(0, width, size=2).tolist())
        y0, y1 = sorted(rng.integers(0, height, size=2).tolist())
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1 + 8, y1 + 8), fill=colour)
        else:
            draw.ellipse((x0, y0, x1 + 8, y1 + 8), fill=colour)
    return image


def synthetic_images(count: int, first_seed: int = 0) -> list[Image.Image]:
    """``count`` synthetic images with consecutive seeds."""
    return [synthetic_image(first_seed + i) for i in range(count)]
