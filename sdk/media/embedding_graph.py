"""Builds the bundled embedding model ``models/lowfreq_dct_embedding.onnx`` (needs ``onnx``).

What it is: a small hand-designed (not trained) embedding, written with the ``onnx`` helper API
so that nothing is downloaded: RGB ``float32 [1, 3, 64, 64]`` in ``[0, 1]`` -> luminance (a 1x1
convolution with the BT.601 weights) -> 2-D DCT-II of the 64x64 image -> the 16x16 lowest
frequencies without the DC term (brightness) -> ``float32 [1, 255]``. It stands in for a vendor's
learned model so the generic ``onnx`` signal type (seeded hyperplane projection of the
embedding, the NeuralHash structure) can be run and measured end to end; how good it is, is
measured by ``vouchsafe eval hashing --signal-type onnx`` (README "Perceptual hashing").

Run ``python -m vouchsafe.sdk.media.embedding_graph`` to regenerate the file; a test checks it is
fresh.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

from vouchsafe.sdk.media.pdq import LUMA_WEIGHTS

INPUT_SIZE = 64
FREQUENCIES = 16
EMBEDDING_DIM = FREQUENCIES * FREQUENCIES - 1
MODEL_NAME = "lowfreq-dct-embedding-v1"
MODEL_PATH = Path(__file__).resolve().parent / "models" / "lowfreq_dct_embedding.onnx"


def _dct_rows() -> npt.NDArray[np.float32]:
    k = np.arange(FREQUENCIES, dtype=np.float64)[:, None]
    n = np.arange(INPUT_SIZE, dtype=np.float64)[None, :]
    scale = np.full((FREQUENCIES, 1), np.sqrt(2.0 / INPUT_SIZE))
    scale[0, 0] = np.sqrt(1.0 / INPUT_SIZE)
    rows: npt.NDArray[np.float64] = scale * np.cos(np.pi * k * (2 * n + 1) / (2 * INPUT_SIZE))
    return rows.astype(np.float32)


def build_embedding_model() -> onnx.ModelProto:
    """The model described in the module docstring."""
    dct = _dct_rows()
    initializers = [
        numpy_helper.from_array(
            np.asarray(LUMA_WEIGHTS, dtype=np.float32).reshape(1, 3, 1, 1), "luma_weights"
        ),
        numpy_helper.from_array(dct, "dct"),
        numpy_helper.from_array(np.ascontiguousarray(dct.T), "dct_t"),
        numpy_helper.from_array(np.asarray([INPUT_SIZE, INPUT_SIZE], np.int64), "square"),
        numpy_helper.from_array(np.asarray([1, FREQUENCIES * FREQUENCIES], np.int64), "flat"),
        numpy_helper.from_array(np.asarray([1], np.int64), "one"),
        numpy_helper.from_array(np.asarray([FREQUENCIES * FREQUENCIES], np.int64), "end"),
        numpy_helper.from_array(np.asarray([1], np.int64), "axis1"),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "luma_weights"], ["luma"]),
        helper.make_node("Reshape", ["luma", "square"], ["luma2d"]),
        helper.make_node("MatMul", ["dct", "luma2d"], ["half"]),
        helper.make_node("MatMul", ["half", "dct_t"], ["coefficients"]),
        helper.make_node("Reshape", ["coefficients", "flat"], ["all"]),
        helper.make_node("Slice", ["all", "one", "end", "axis1"], ["embedding"]),
    ]
    graph = helper.make_graph(
        nodes,
        MODEL_NAME,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, INPUT_SIZE, INPUT_SIZE])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, EMBEDDING_DIM])],
        initializer=initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17)],
        producer_name="vouchsafe",
        doc_string=f"{MODEL_NAME}: luminance, 2-D DCT, 16x16 low frequencies without DC",
    )
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> int:
    """Writes the model to ``MODEL_PATH`` (or the path given as the one argument)."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_embedding_model().SerializeToString())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
