"""The edits a re-shared image goes through before it is sent again (a fixed, named suite)."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps


def _jpeg(quality: int) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=quality)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")

    return apply


def _resize(scale: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        w, h = image.size
        return image.resize(
            (max(16, round(w * scale)), max(16, round(h * scale))), Image.Resampling.LANCZOS
        )

    return apply


def _crop(image: Image.Image) -> Image.Image:
    w, h = image.size
    dx, dy = round(w * 0.05), round(h * 0.05)
    return image.crop((dx, dy, w - dx, h - dy))


def _noise(image: Image.Image) -> Image.Image:
    pixels = np.asarray(image.convert("RGB"), dtype=np.float64)
    noisy = pixels + np.random.default_rng(0).normal(0.0, 6.0, pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def _watermark(image: Image.Image) -> Image.Image:
    marked = image.convert("RGB").copy()
    w, h = marked.size
    ImageDraw.Draw(marked).text((w // 20, h - h // 8), "forwarded", fill=(255, 255, 255))
    return marked


TRANSFORM_FUNCTIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "none": lambda image: image,
    "jpeg75": _jpeg(75),
    "jpeg50": _jpeg(50),
    "resize50": _resize(0.5),
    "resize75": _resize(0.75),
    "crop5": _crop,
    "brightness20": lambda image: ImageEnhance.Brightness(image).enhance(1.2),
    "grayscale": lambda image: ImageOps.grayscale(image).convert("RGB"),
    "flip": ImageOps.mirror,
    "rotate2": lambda image: image.rotate(2, resample=Image.Resampling.BICUBIC, expand=False),
    "noise": _noise,
    "watermark": _watermark,
}


def apply_transform(name: str, image: Image.Image) -> Image.Image:
    """Applies the named transform; KeyError for an unknown name."""
    return TRANSFORM_FUNCTIONS[name](image.convert("RGB"))
