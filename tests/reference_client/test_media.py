"""Preparing photos for sending: clear errors for unreadable files, big photos shrunk to fit."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vouchsafe.messenger.errors import UnreadableFile
from vouchsafe.messenger.media import MAX_MEDIA_BYTES, prepare_photo


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot read"):
        prepare_photo(tmp_path / "nope.jpg")


def test_non_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a photo")
    with pytest.raises(UnreadableFile, match="not an image"):
        prepare_photo(path)


def test_small_photo_is_sent_unchanged(tmp_path: Path, generated_images: list[Image.Image]) -> None:
    path = tmp_path / "small.png"
    generated_images[0].save(path)
    prepared = prepare_photo(path)
    assert prepared.data == path.read_bytes()
    assert (prepared.media_type, prepared.file_name, prepared.recompressed) == (
        "image/png",
        "small.png",
        False,
    )


def test_large_photo_is_shrunk_below_the_relay_limit(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).integers(0, 256, size=(900, 1200, 3), dtype=np.uint8)
    path = tmp_path / "big.png"
    Image.fromarray(noise).save(path)
    assert path.stat().st_size > MAX_MEDIA_BYTES
    prepared = prepare_photo(path)
    assert prepared.recompressed and len(prepared.data) <= MAX_MEDIA_BYTES
    assert prepared.media_type == "image/jpeg"
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert image.format == "JPEG"
