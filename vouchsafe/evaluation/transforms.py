"""The fixed transform suite that ``vouchsafe eval hashing`` applies to each image.

Each transform models an ordinary re-share of a picture (re-encoding, rescaling, light edits).
Definitions are exact so that figures can be reproduced: crops keep the centre and remove the
stated fraction of each dimension, split evenly between opposite edges; rotations turn about the
centre, keep the size and fill the corners black (bicubic); noise is Gaussian with a standard
deviation of 8 grey levels from a generator seeded per image; the watermark is white text over a
translucent dark band across the bottom eighth of the image.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

NOISE_SIGMA = 8.0


def _encode(image: Image.Image, fmt: str, **params: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")


def _jpeg(quality: int) -> Callable[[Image.Image], Image.Image]:
    return lambda image: _encode(image, "JPEG", quality=quality)


def _resize(factor: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        return image.resize(size, Image.Resampling.BICUBIC)

    return apply


def _crop(fraction: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        dx = round(image.width * fraction / 2)
        dy = round(image.height * fraction / 2)
        return image.crop((dx, dy, image.width - dx, image.height - dy))

    return apply


def _rotate(degrees: float) -> Callable[[Image.Image], Image.Image]:
    return lambda image: image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False)


def _brightness(factor: float) -> Callable[[Image.Image], Image.Image]:
    return lambda image: ImageEnhance.Brightness(image).enhance(factor)


def _contrast(image: Image.Image) -> Image.Image:
    return ImageEnhance.Contrast(image).enhance(1.3)


def _noise(image: Image.Image) -> Image.Image:
    seed = zlib.crc32(image.tobytes()[:4096]) ^ (image.width << 16) ^ image.height
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image, dtype=np.float64)
    noisy = pixels + rng.normal(0.0, NOISE_SIGMA, size=pixels.shape)
    return Image.fromarray(np.clip(np.rint(noisy), 0, 255).astype(np.uint8), mode="RGB")


def _grayscale(image: Image.Image) -> Image.Image:
    return image.convert("L").convert("RGB")


def _watermark(image: Image.Image) -> Image.Image:
    band = max(8, image.height // 8)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0, 110))
    font = ImageFont.load_default(size=max(6, int(band * 0.6)))
    draw.text((band // 3, image.height - band + band // 6), "shared via vouchsafe",
              fill=(255, 255, 255, 220), font=font)  # fmt: skip
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


@dataclass(frozen=True)
class Transform:
    """One named transform of the suite and the group it reports under."""

    name: str
    group: str
    apply: Callable[[Image.Image], Image.Image]


TRANSFORMS: tuple[Transform, ...] = (
    Transform("jpeg_q90", "jpeg", _jpeg(90)),
    Transform("jpeg_q75", "jpeg", _jpeg(75)),
    Transform("jpeg_q50", "jpeg", _jpeg(50)),
    Transform("resize_0.5x", "resize", _resize(0.5)),
    Transform("resize_0.75x", "resize", _resize(0.75)),
    Transform("resize_1.5x", "resize", _resize(1.5)),
    Transform("resize_2x", "resize", _resize(2.0)),
    Transform("crop_2pct", "crop", _crop(0.02)),
    Transform("crop_5pct", "crop", _crop(0.05)),
    Transform("rotate_2deg", "rotate", _rotate(2.0)),
    Transform("rotate_5deg", "rotate", _rotate(5.0)),
    Transform("brightness_+20pct", "brightness", _brightness(1.2)),
    Transform("brightness_-20pct", "brightness", _brightness(0.8)),
    Transform("contrast_1.3x", "contrast", _contrast),
    Transform("gaussian_noise_8", "noise", _noise),
    Transform("grayscale", "grayscale", _grayscale),
    Transform("hflip", "flip", ImageOps.mirror),
    Transform("watermark_text", "overlay", _watermark),
    # PNG is lossless: the compression level changes only speed, never the pixels.
    Transform("format_png", "format", lambda image: _encode(image, "PNG", compress_level=1)),
    Transform("format_webp", "format", lambda image: _encode(image, "WEBP", quality=80)),
)

TRANSFORMS_BY_NAME = {t.name: t for t in TRANSFORMS}
