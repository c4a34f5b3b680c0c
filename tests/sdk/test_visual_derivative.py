"""The visual derivative is small, grey, low-resolution and free of the original's metadata."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from vouchsafe.sdk.visual_derivative import (
    DERIVATIVE_GREY_LEVELS,
    DERIVATIVE_MAX_SIDE,
    MAX_DERIVATIVE_BYTES,
    visual_derivative,
)


def test_derivative_is_a_small_grey_png(generated_images: list[Image.Image]) -> None:
    for image in generated_images:
        data = visual_derivative(image)
        assert len(data) <= MAX_DERIVATIVE_BYTES
        with Image.open(io.BytesIO(data)) as derivative:
            assert derivative.format == "PNG" and derivative.mode == "L"
            assert max(derivative.size) == DERIVATIVE_MAX_SIDE
            assert len(set(derivative.tobytes())) <= DERIVATIVE_GREY_LEVELS


def test_derivative_is_deterministic(generated_images: list[Image.Image]) -> None:
    assert visual_derivative(generated_images[0]) == visual_derivative(generated_images[0].copy())


def test_derivative_drops_exif_and_icc_metadata(
    tmp_path: Path, generated_images: list[Image.Image]
) -> None:
    exif = Image.Exif()
    exif[0x010E] = "secret-caption-GPS-here"  # ImageDescription
    path = tmp_path / "tagged.jpg"
    generated_images[1].save(path, exif=exif, icc_profile=b"ICC-PROFILE-MARKER" * 20)
    with Image.open(path) as tagged:
        assert "icc_profile" in tagged.info
        data = visual_derivative(tagged)
    assert b"secret-caption" not in data and b"ICC-PROFILE-MARKER" not in data
    with Image.open(io.BytesIO(data)) as derivative:
        assert "icc_profile" not in derivative.info and "exif" not in derivative.info


def test_corpus_photos_give_derivatives_under_the_bound(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.jpg"))[:25]:
        with Image.open(path) as photo:
            assert len(visual_derivative(photo)) <= MAX_DERIVATIVE_BYTES
