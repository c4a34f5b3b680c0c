"""Our PDQ equals Meta's C++ core (the optional ``pdqhash`` package) bit for bit.

Skips cleanly when ``pdqhash`` is not installed (``pip install -e .[anchors]`` provides it).
Measured on the whole shared corpus (325 images): all hashes and all quality values equal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vouchsafe.corpus import read_manifest
from vouchsafe.sdk.media import pdq
from vouchsafe.sdk.media.decode import decode_image

pdqhash = pytest.importorskip("pdqhash")


def _reference(pixels: np.ndarray) -> tuple[bytes, int]:  # type: ignore[type-arg]
    vector, quality = pdqhash.compute(pixels)
    # pdqhash's element 0 is bit 255: packing in order gives the reference hex layout.
    return np.packbits(np.asarray(vector, dtype=np.uint8)).tobytes(), int(quality)


def _mismatches(paths: list[Path]) -> list[tuple[str, int, int, int]]:
    out = []
    for path in paths:
        pixels = np.asarray(decode_image(path))
        expected, quality = _reference(pixels)
        ours = pdq.pdq_from_pixels(pixels)
        distance = pdq.hamming(ours.hash, expected)
        if distance or ours.quality != quality:
            out.append((path.name, distance, ours.quality, quality))
    return out


def test_equals_pdqhash_on_a_corpus_sample(corpus_dir: Path) -> None:
    items = read_manifest(corpus_dir)[::25]
    assert _mismatches([i.path for i in items]) == []


def test_equals_pdqhash_on_official_vectors(pdq_testdata_dir: Path) -> None:
    # The 12 MP exif-rotn photos are left to the slow corpus run's budget.
    paths = sorted(pdq_testdata_dir.glob("reg-test-input/labelme-subset/*.jpg")) + sorted(
        pdq_testdata_dir.glob("bridge-mods/*.jpg")
    )
    assert _mismatches(paths) == []


@pytest.mark.slow
def test_equals_pdqhash_on_the_whole_corpus(corpus_dir: Path) -> None:
    assert _mismatches([i.path for i in read_manifest(corpus_dir)]) == []
