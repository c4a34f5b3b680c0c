"""The ONNX PDQ graph is fresh and gives exactly the numpy path's bits and quality."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vouchsafe.corpus import read_manifest
from vouchsafe.imagegen import synthetic_image
from vouchsafe.sdk.media import pdq
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.media.pdq_graph import build_pdq_model
from vouchsafe.sdk.media.pdq_onnx import MODEL_PATH, pdq_onnx_from_pixels


def _agree(pixels: np.ndarray) -> None:  # type: ignore[type-arg]
    expected = pdq.pdq_from_pixels(pixels)
    actual = pdq_onnx_from_pixels(pixels)
    assert actual.hash == expected.hash
    assert actual.quality == expected.quality
    assert np.allclose(actual.coefficients, expected.coefficients, rtol=0, atol=1e-9)


def test_committed_graph_is_what_the_builder_produces() -> None:
    assert MODEL_PATH.read_bytes() == build_pdq_model().SerializeToString()


@pytest.mark.parametrize(
    "size", [(1, 1), (5, 7), (34, 42), (64, 64), (127, 129), (300, 200), (1000, 37)]
)
def test_onnx_bits_equal_numpy_bits_at_any_size(size: tuple[int, int]) -> None:
    _agree(np.asarray(synthetic_image(sum(size), size)))


def test_flat_images_hash_identically_in_both_backends() -> None:
    for value in (0, 128, 255):
        _agree(np.full((50, 80, 3), value, dtype=np.uint8))


def test_onnx_bits_equal_numpy_bits_on_official_vectors(pdq_testdata_dir: Path) -> None:
    for path in sorted((pdq_testdata_dir / "reg-test-input" / "labelme-subset").glob("*.jpg")):
        _agree(np.asarray(decode_image(path)))


def test_onnx_bits_equal_numpy_bits_on_a_few_corpus_images(corpus_dir: Path) -> None:
    for item in read_manifest(corpus_dir)[::80]:
        _agree(np.asarray(decode_image(item.path)))


@pytest.mark.slow
def test_onnx_bits_equal_numpy_bits_on_the_whole_corpus(corpus_dir: Path) -> None:
    for item in read_manifest(corpus_dir):
        _agree(np.asarray(decode_image(item.path)))
