"""Builds PDQ as one ONNX graph (needs the ``onnx`` package; the device needs only onnxruntime).

The graph takes the decoded image as a ``uint8 [H, W, 3]`` tensor of any size and computes, with
the formulas of ``pdq.py`` step for step: the Jarosz/decimation band weights for both dimensions
(from ``H`` and ``W``, in-graph), luminance of the gathered rows (float32, like the reference),
the 64x64 decimation as a batched matrix product (float64), the 16x16 DCT as two matrix
products, the median threshold (TopK) and the quality score. Outputs: ``bits`` (bool [256], flag
``k`` = coefficient ``16 i + j``), ``quality`` (int64 scalar), ``coefficients`` (float64 [16, 16]).

Run ``python -m vouchsafe.sdk.media.pdq_graph`` to regenerate ``sdk/media/models/pdq.onnx``; a test
checks
the committed file is what this builder produces.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

from vouchsafe.sdk.media import pdq

OPSET = 17
IR_VERSION = 8  # opset 17 needs IR >= 8; onnxruntime >= 1.18 reads it
MODEL_PATH = Path(__file__).resolve().parent / "models" / "pdq.onnx"


class _Graph:
    """Tiny helper: named nodes, constants as initializers, one output name per node."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, value: object, dtype: type = np.int64) -> str:
        name = f"c{len(self.initializers)}"
        array: npt.NDArray[Any] = np.asarray(value, dtype=dtype)
        self.initializers.append(numpy_helper.from_array(array, name=name))
        return name

    def op(self, op_type: str, *inputs: str, outputs: int = 1, **attrs: Any) -> str:
        self._count += 1
        names = [f"{op_type.lower()}_{self._count}_{k}" for k in range(outputs)]
        self.nodes.append(helper.make_node(op_type, list(inputs), names, **attrs))
        return names[0]

    def rename(self, source: str, target: str) -> None:
        self.nodes.append(helper.make_node("Identity", [source], [target]))


def _band(g: _Graph, n: str) -> tuple[str, str]:
    """In-graph :func:`vouchsafe.sdk.media.pdq.decimation_band` for a dimension of ``n`` (int64
    scalar)."""
    one, two, zero = g.const(1), g.const(2), g.const(0)
    w = g.op(
        "Div", g.op("Add", n, g.const(2 * pdq.DECIMATED_SIZE - 1)), g.const(2 * pdq.DECIMATED_SIZE)
    )
    h = g.op("Div", g.op("Add", w, two), two)
    n_last = g.op("Sub", n, one)
    i = g.op(
        "Cast", g.op("Range", g.const(0), g.const(pdq.DECIMATED_SIZE), one), to=TensorProto.DOUBLE
    )
    n_f = g.op("Cast", n, to=TensorProto.DOUBLE)
    samples_f = g.op(
        "Div",
        g.op("Mul", g.op("Add", i, g.const(0.5, np.float64)), n_f),
        g.const(float(pdq.DECIMATED_SIZE), np.float64),
    )
    samples = g.op("Cast", g.op("Floor", samples_f), to=TensorProto.INT64)  # (64,)
    first = g.op("Sub", h, w)
    h_last = g.op("Sub", h, one)
    taps = g.op("Range", g.op("Mul", two, first), g.op("Add", g.op("Mul", two, h_last), one), one)
    s3 = g.op("Unsqueeze", samples, g.const([1, 2]))  # (64, 1, 1)
    mids = g.op("Add", g.op("Add", s3, first), g.op("Range", zero, w, one))  # (64, 1, w)
    positions = g.op("Add", s3, g.op("Unsqueeze", taps, g.const([0, 2])))  # (64, L, 1)

    def box(o: str) -> tuple[str, str]:
        left = g.op("Max", zero, g.op("Add", g.op("Sub", o, w), h))
        right = g.op("Min", n_last, g.op("Add", o, h_last))
        return left, right

    def size(left: str, right: str) -> str:
        return g.op("Cast", g.op("Add", g.op("Sub", right, left), one), to=TensorProto.DOUBLE)

    outer_size = size(*box(s3))
    mid_left, mid_right = box(mids)
    mid_size = size(mid_left, mid_right)
    valid_mid = g.op("And", g.op("GreaterOrEqual", mids, zero), g.op("LessOrEqual", mids, n_last))
    covered = g.op(
        "And",
        valid_mid,
        g.op(
            "And",
            g.op("GreaterOrEqual", positions, mid_left),
            g.op("LessOrEqual", positions, mid_right),
        ),
    )
    share = g.op("Div", g.const(1.0, np.float64), g.op("Mul", outer_size, mid_size))
    weight = g.op(
        "ReduceSum",
        g.op("Where", covered, share, g.const(0.0, np.float64)),
        g.const([2]),
        keepdims=0,
    )
    pos = g.op("Squeeze", positions, g.const([2]))  # (64, L)
    in_range = g.op("And", g.op("GreaterOrEqual", pos, zero), g.op("LessOrEqual", pos, n_last))
    weight = g.op("Where", in_range, weight, g.const(0.0, np.float64))
    index = g.op("Max", zero, g.op("Min", pos, n_last))
    return index, weight


def _quality(g: _Graph, decimated: str) -> str:
    def gradient_sum(axis: int) -> str:
        start0, end0 = g.const([0]), g.const([pdq.DECIMATED_SIZE - 1])
        start1, end1 = g.const([1]), g.const([pdq.DECIMATED_SIZE])
        axes = g.const([axis])
        u = g.op("Slice", decimated, start0, end0, axes)
        v = g.op("Slice", decimated, start1, end1, axes)
        scaled = g.op(
            "Div",
            g.op("Mul", g.op("Sub", u, v), g.const(100.0, np.float64)),
            g.const(255.0, np.float64),
        )
        truncated = g.op("Cast", scaled, to=TensorProto.INT64)  # C cast: toward zero
        return g.op("ReduceSum", g.op("Abs", truncated), keepdims=0)

    total = g.op("Add", gradient_sum(0), gradient_sum(1))
    score = g.op("Div", total, g.const(pdq.QUALITY_GRADIENT_DIVISOR))
    return g.op("Min", score, g.const(pdq.MAX_QUALITY))


def build_pdq_model() -> onnx.ModelProto:
    """The PDQ graph described in the module docstring."""
    g = _Graph()
    shape = g.op("Shape", "image")
    height = g.op("Squeeze", g.op("Slice", shape, g.const([0]), g.const([1])), g.const([0]))
    width = g.op("Squeeze", g.op("Slice", shape, g.const([1]), g.const([2])), g.const([0]))
    rows_index, rows_weight = _band(g, height)
    cols_index, cols_weight = _band(g, width)
    rows = g.op(
        "Cast", g.op("Gather", "image", rows_index, axis=0), to=TensorProto.FLOAT
    )  # (64, L, W, 3)
    # Multiplying by a (3,) vector broadcast is slow in onnxruntime; a (3W,) row is fast.
    flat_shape = g.op(
        "Concat",
        g.const([pdq.DECIMATED_SIZE, -1]),
        g.op("Mul", g.op("Unsqueeze", width, g.const([0])), g.const([3])),
        axis=0,
    )
    weights_row = g.op(
        "Tile", g.const(pdq.LUMA_WEIGHTS, np.float32), g.op("Unsqueeze", width, g.const([0]))
    )
    products = g.op(
        "Reshape", g.op("Mul", g.op("Reshape", rows, flat_shape), weights_row), g.op("Shape", rows)
    )
    luma = g.op("ReduceSum", products, g.const([3]), keepdims=0)  # (64, L, W) float32
    by_rows = g.op(
        "MatMul",
        g.op("Unsqueeze", rows_weight, g.const([1])),
        g.op("Cast", luma, to=TensorProto.DOUBLE),
    )  # (64, 1, W)
    by_rows = g.op("Squeeze", by_rows, g.const([1]))
    gathered = g.op("Gather", by_rows, cols_index, axis=1)  # (64, 64, Lc)
    decimated = g.op(
        "ReduceSum",
        g.op("Mul", gathered, g.op("Unsqueeze", cols_weight, g.const([0]))),
        g.const([2]),
        keepdims=0,
    )
    dct = g.const(pdq.dct_matrix(), np.float64)
    raw = g.op("MatMul", g.op("MatMul", dct, decimated), g.op("Transpose", dct))
    flat_image_noise = g.op("Less", g.op("Abs", raw), g.const(pdq.FLAT_EPSILON, np.float64))
    coefficients = g.op("Where", flat_image_noise, g.const(0.0, np.float64), raw)
    flat = g.op("Reshape", coefficients, g.const([pdq.HASH_BITS]))
    lowest = g.op("TopK", flat, g.const([pdq.HASH_BITS // 2]), outputs=2, largest=0, sorted=1)
    median = g.op("Gather", lowest, g.const(pdq.HASH_BITS // 2 - 1), axis=0)
    g.rename(g.op("Greater", flat, median), "bits")
    g.rename(_quality(g, decimated), "quality")
    g.rename(coefficients, "coefficients")
    graph = helper.make_graph(
        g.nodes,
        "pdq",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, ["height", "width", 3])],
        [
            helper.make_tensor_value_info("bits", TensorProto.BOOL, [pdq.HASH_BITS]),
            helper.make_tensor_value_info("quality", TensorProto.INT64, []),
            helper.make_tensor_value_info(
                "coefficients", TensorProto.DOUBLE, [pdq.DCT_SIZE, pdq.DCT_SIZE]
            ),
        ],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="vouchsafe",
        doc_string="PDQ perceptual hash (vouchsafe sdk/media/pdq_graph.py)",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> int:
    """Writes the graph to ``MODEL_PATH`` (or the path given as the one argument)."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_pdq_model().SerializeToString())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
