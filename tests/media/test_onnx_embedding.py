"""The generic onnx signal type: bundled model fresh, vendor models pluggable, hashes sensible."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from PIL import Image

from vouchsafe.imagegen import synthetic_image
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media.candidates import MAX_CANDIDATES, hash_set_keys, psi_candidates
from vouchsafe.sdk.media.embedding_graph import MODEL_PATH, build_embedding_model
from vouchsafe.sdk.media.onnx_embedding import OnnxEmbeddingSignalType
from vouchsafe.sdk.media.signal_types import SignalType, get_signal_type


def test_bundled_model_is_what_its_build_script_produces() -> None:
    assert MODEL_PATH.read_bytes() == build_embedding_model().SerializeToString()


def test_onnx_signal_type_meets_the_interface() -> None:
    signal = get_signal_type("onnx")
    assert isinstance(signal, SignalType)
    result = signal.hash_media(synthetic_image(1, (200, 150)))
    assert signal.name == result.signal_type == "onnx"
    assert len(result.bits) == 32
    assert 0 <= result.quality <= 100


def test_same_image_same_hash_and_jpeg_copy_is_close() -> None:
    signal = get_signal_type("onnx")
    image = synthetic_image(2, (320, 240))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=75)
    copy = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    a, b = signal.hash_media(image), signal.hash_media(image)
    assert a.bits == b.bits
    assert signal.distance(a.bits, signal.hash_media(copy).bits) <= signal.match_distance


def test_distinct_images_are_far_apart(generated_images: list[Image.Image]) -> None:
    signal = get_signal_type("onnx")
    hashes = [signal.hash_media(image).bits for image in generated_images]
    for i, a in enumerate(hashes):
        for b in hashes[i + 1 :]:
            assert signal.distance(a, b) > signal.match_distance


def test_flat_image_has_quality_zero() -> None:
    result = get_signal_type("onnx").hash_media(Image.new("RGB", (64, 64), (90, 90, 90)))
    assert result.quality == 0


def test_psi_candidates_work_for_the_onnx_signal_type() -> None:
    result = get_signal_type("onnx").hash_media(synthetic_image(3, (200, 150)))
    candidates = psi_candidates(result)
    assert len(set(candidates)) == MAX_CANDIDATES
    assert candidates[0] in hash_set_keys("onnx", result.bits)
    assert not set(candidates) & set(hash_set_keys("pdq", result.bits))


def _vendor_model(path: Path) -> None:
    """A vendor's stand-in model: mean-pools an 8x8 input to 3x2x2 features."""
    nodes = [
        helper.make_node(
            "AveragePool", ["pixels"], ["pooled"], kernel_shape=[4, 4], strides=[4, 4]
        ),
        helper.make_node("Flatten", ["pooled"], ["features"]),
    ]
    graph = helper.make_graph(
        nodes,
        "vendor",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 12])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())


def test_a_vendor_model_plugs_in_with_its_own_name_and_length(tmp_path: Path) -> None:
    _vendor_model(tmp_path / "vendor.onnx")
    signal = OnnxEmbeddingSignalType(tmp_path / "vendor.onnx", name="vendor-v1", bits=64, seed=5)
    result = signal.hash_media(synthetic_image(4, (100, 100)))
    assert result.signal_type == "vendor-v1"
    assert len(result.bits) == 8
    assert result.coefficients is not None and result.coefficients.shape == (64,)
    again = OnnxEmbeddingSignalType(tmp_path / "vendor.onnx", name="vendor-v1", bits=64, seed=5)
    assert again.hash_media(synthetic_image(4, (100, 100))).bits == result.bits


def test_missing_or_broken_model_is_invalid_media(tmp_path: Path) -> None:
    with pytest.raises(InvalidMedia):
        OnnxEmbeddingSignalType(tmp_path / "absent.onnx")
    (tmp_path / "broken.onnx").write_bytes(b"not a model")
    with pytest.raises(InvalidMedia):
        OnnxEmbeddingSignalType(tmp_path / "broken.onnx")


def test_projection_is_seeded_and_public() -> None:
    a = OnnxEmbeddingSignalType.bundled()
    b = OnnxEmbeddingSignalType(MODEL_PATH, seed=1)
    image = synthetic_image(5, (120, 90))
    assert a.hash_media(image).bits != b.hash_media(image).bits
    assert np.array_equal(onnx.load(str(MODEL_PATH)).graph.input[0].name, "image")
