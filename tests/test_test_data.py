from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image

from vouchsafe.corpus import read_manifest
from vouchsafe.imagegen import synthetic_image


def test_corpus_manifest_lists_files_that_exist_with_their_checksums(corpus_dir: Path) -> None:
    images = read_manifest(corpus_dir)
    assert len(images) > 100
    for image in images[:10]:
        assert hashlib.sha256(image.path.read_bytes()).hexdigest() == image.sha256


def test_synthetic_images_are_deterministic_and_distinct() -> None:
    a1 = np.asarray(synthetic_image(1))
    a2 = np.asarray(synthetic_image(1))
    b = np.asarray(synthetic_image(2))
    assert np.array_equal(a1, a2)
    assert not np.array_equal(a1, b)


def test_generated_images_fixture_gives_rgb_images(generated_images: list[Image.Image]) -> None:
    assert len(generated_images) == 8
    assert all(image.mode == "RGB" for image in generated_images)
