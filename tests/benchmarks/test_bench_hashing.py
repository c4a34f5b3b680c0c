"""Section 1 of the report: images/s of our PDQ (numpy and ONNX paths) next to the anchors a
vendor would otherwise pick, the C++ ``pdqhash`` package and ``imagehash.phash``, on the same
decoded 512, 1024 and 2048 px images, and again including JPEG decode. Ratios are "ours per
image / anchor per image" (above 1: we are slower), timed alternately round by round on the same
input (rows.paired). Our rows decode with vouchsafe.sdk.media.decode_image (EXIF orientation,
limits), the
anchors with plain Pillow. ONNX Runtime uses its default thread pool (all cores); the others run
on one thread; times are wall-clock.

The images are one benign corpus photo resized to each size (or a generated image when the
corpus is absent); JPEG rows encode it once at quality 90 and time decode + hash."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.benchmarks.rows import HASHING, describe, paired, require
from vouchsafe.corpus import default_corpus_dir, read_manifest
from vouchsafe.imagegen import synthetic_image

SIZES = (512, 1024, 2048)
IMPLS = ("numpy", "onnx", "pdqhash", "phash")
LABELS = {
    "numpy": "vouchsafe PDQ, numpy",
    "onnx": "vouchsafe PDQ, ONNX Runtime",
    "pdqhash": "pdqhash (C++ PDQ)",
    "phash": "imagehash.phash",
}


def _source_image() -> Image.Image:
    try:
        photos = [c for c in read_manifest(default_corpus_dir()) if c.kind == "photo"]
    except FileNotFoundError:
        photos = []
    if photos:
        with Image.open(photos[0].path) as im:
            return im.convert("RGB")
    return synthetic_image(0, (1024, 768)).convert("RGB")


_CACHE: dict[int, tuple[Image.Image, bytes]] = {}


def _image(size: int) -> tuple[Image.Image, bytes]:
    """The decoded size x size RGB image and its JPEG (q90) encoding, built once per size."""
    if size not in _CACHE:
        img = _source_image().resize((size, size), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=90)
        _CACHE[size] = (img, buf.getvalue())
    return _CACHE[size]


def _pil_decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        return im.convert("RGB")


def _hasher(impl: str) -> tuple[Callable[[Image.Image], object], Callable[[bytes], Image.Image]]:
    """(hash a decoded image, decode JPEG bytes) for one implementation, or skip the row."""
    if impl in ("numpy", "onnx"):
        signal_types = require("vouchsafe.sdk.media.signal_types", what="not landed")
        decode = require("vouchsafe.sdk.media.decode", what="not landed")
        signal = signal_types.get_signal_type("pdq", backend=impl)
        signal.hash_media(_image(512)[0])  # first call loads the ONNX session; keep it untimed
        return signal.hash_media, decode.decode_image
    if impl == "pdqhash":
        pdqhash = require("pdqhash")
        return (lambda im: pdqhash.compute(np.asarray(im, dtype=np.uint8))), _pil_decode
    imagehash = require("imagehash")
    return imagehash.phash, _pil_decode


ROUNDS = {512: 10, 1024: 5, 2048: 3}


def _references(impl: str, size: int, jpeg: bool) -> dict[str, Callable[[], object]]:
    """The anchors (and, for ONNX, our numpy path) run on the same input before each round."""
    image, data = _image(size)
    out: dict[str, Callable[[], object]] = {}
    names = ["pdqhash", "phash"] + (["numpy"] if impl == "onnx" else [])
    for other in names:
        try:
            hash_fn, decode = _hasher(other)
        except pytest.skip.Exception:
            continue
        name = f"{LABELS[other]}{' incl. JPEG decode' if jpeg else ''}"
        out[name] = (lambda h=hash_fn, d=decode: h(d(data))) if jpeg else (
            lambda h=hash_fn: h(image))
    return out


def _run(benchmark: Any, impl: str, size: int, jpeg: bool) -> None:
    hash_fn, decode = _hasher(impl)
    image, data = _image(size)

    def target() -> object:
        return hash_fn(decode(data)) if jpeg else hash_fn(image)

    if impl in ("numpy", "onnx"):
        paired(benchmark, target, _references(impl, size, jpeg), rounds=ROUNDS[size])
    else:
        benchmark.pedantic(target, rounds=ROUNDS[size], warmup_rounds=1, iterations=1)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("impl", IMPLS)
def test_bench_hash_decoded_image(benchmark: Any, impl: str, size: int) -> None:
    describe(benchmark, key=f"hash_{impl}_{size}", section=HASHING,
             label=f"{LABELS[impl]}, {size} px decoded", unit="image")
    _run(benchmark, impl, size, jpeg=False)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("impl", IMPLS)
def test_bench_hash_with_jpeg_decode(benchmark: Any, impl: str, size: int) -> None:
    describe(benchmark, key=f"hash_{impl}_{size}_jpeg", section=HASHING,
             label=f"{LABELS[impl]}, {size} px incl. JPEG decode", unit="image")
    _run(benchmark, impl, size, jpeg=True)
