"""PDQ on onnxruntime: the shipped graph ``models/pdq.onnx`` (built by ``pdq_graph.py``).

This is the form an app would ship to phones: one graph from decoded pixels to hash bits,
quality and coefficients. Its bits equal the numpy path's (``pdq.py``), which computes the same
formulas in the same precision; a test checks it on generated images and on the corpus.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media import pdq

MODEL_PATH = Path(__file__).resolve().parent / "models" / "pdq.onnx"


@lru_cache(maxsize=1)
def _session() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(
        str(MODEL_PATH), options, providers=["CPUExecutionProvider"]
    )


def pdq_onnx_from_pixels(pixels: npt.NDArray[np.uint8]) -> pdq.PdqComputation:
    """PDQ of an ``(H, W, 3)`` uint8 RGB array, computed by the ONNX graph."""
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.shape[0] < 1 or pixels.shape[1] < 1:
        raise InvalidMedia(f"expected an (H, W, 3) RGB array, got shape {pixels.shape}")
    bits, quality, coefficients = _session().run(
        None, {"image": np.ascontiguousarray(pixels, dtype=np.uint8)}
    )
    return pdq.PdqComputation(
        hash=pdq.pack_bits(np.asarray(bits, dtype=bool)),
        quality=int(quality),
        coefficients=np.asarray(coefficients, dtype=np.float64),
    )
