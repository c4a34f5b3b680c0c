"""The generic ``onnx`` signal type: any embedding model plus a seeded hyperplane projection.

This is the NeuralHash structure: an ONNX model maps the image to an embedding vector; a fixed
random matrix (``bits`` x ``dim``, standard normal, drawn from ``numpy.random.default_rng(seed)``)
projects it, and each projection's sign is one bit. Hamming distance between two such hashes
estimates the angle between the embeddings (Charikar, STOC 2002). Vendors plug in their own model
with :meth:`OnnxEmbeddingSignalType.from_file`; the seed and bit count are public parameters that
the hash set and the devices must share.

The model's first input must be ``float32 [1, 3, H, W]`` with static ``H``, ``W`` (RGB in
``[0, 1]``, resized with an area filter); its first output is the embedding ``[1, D]`` or ``[D]``.
The bundled model (``embedding_graph.py``) is a hand-designed low-frequency DCT embedding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media.pdq import hamming, pack_bits
from vouchsafe.sdk.media.signal_types import ONNX, HashResult

BUNDLED_MODEL = Path(__file__).resolve().parent / "models" / "lowfreq_dct_embedding.onnx"
DEFAULT_BITS = 256
DEFAULT_SEED = 20211  # public projection seed; any fixed value works if both sides share it
# Quality: 100 once the embedding's norm reaches this (grey levels / 255, DCT-orthonormal); a
# flat image has norm 0.
FULL_QUALITY_NORM = 2.0


class OnnxEmbeddingSignalType:
    """An ONNX embedding model turned into ``bits``-bit hashes by a seeded projection."""

    def __init__(
        self,
        model_path: str | Path,
        *,
        name: str = ONNX,
        bits: int = DEFAULT_BITS,
        seed: int = DEFAULT_SEED,
        match_distance: int | None = None,
    ) -> None:
        import onnxruntime

        if bits <= 0 or bits % 8:
            raise InvalidMedia("hash length must be a positive multiple of 8 bits", field="bits")
        path = Path(model_path)
        if not path.is_file():
            raise InvalidMedia(f"no ONNX model at {path}", field="model")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        try:
            self._session: Any = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise InvalidMedia(f"cannot load ONNX model {path}: {exc}", field="model") from None
        model_input = self._session.get_inputs()[0]
        shape = list(model_input.shape)
        if len(shape) != 4 or not all(isinstance(d, int) for d in shape[2:]) or shape[1] != 3:
            raise InvalidMedia(
                f"model input must be float32 [1, 3, H, W] with fixed H, W; got {shape}",
                field="model",
            )
        self._input_name: str = model_input.name
        self._size = (int(shape[3]), int(shape[2]))
        probe = np.zeros((1, 3, self._size[1], self._size[0]), dtype=np.float32)
        dim = int(np.asarray(self._session.run(None, {self._input_name: probe})[0]).size)
        self._projection = np.random.default_rng(seed).standard_normal((bits, dim))
        self._name = name
        self._bits = bits
        self._match_distance = match_distance if match_distance is not None else bits // 8

    @classmethod
    def bundled(cls) -> OnnxEmbeddingSignalType:
        """The signal type with the bundled low-frequency DCT model."""
        return cls(BUNDLED_MODEL)

    @property
    def name(self) -> str:
        return self._name

    @property
    def match_distance(self) -> int:
        return self._match_distance

    def embed(self, image: Image.Image) -> npt.NDArray[np.float64]:
        """The model's embedding of ``image`` (float64 vector)."""
        resized = image.convert("RGB").resize(self._size, Image.Resampling.BOX)
        tensor = np.asarray(resized, dtype=np.float32).transpose(2, 0, 1)[None] / 255.0
        output = self._session.run(None, {self._input_name: tensor})[0]
        return np.asarray(output, dtype=np.float64).reshape(-1)

    def hash_media(self, image: Image.Image) -> HashResult:
        embedding = self.embed(image)
        projections = self._projection @ embedding
        quality = int(min(100.0, 100.0 * float(np.linalg.norm(embedding)) / FULL_QUALITY_NORM))
        return HashResult(
            bits=pack_bits(projections > 0),
            quality=quality,
            signal_type=self._name,
            coefficients=projections,
        )

    def distance(self, a: bytes, b: bytes) -> int:
        if len(a) != self._bits // 8 or len(b) != self._bits // 8:
            raise InvalidMedia(f"{self._name} hashes are {self._bits // 8} bytes", field="hash")
        return hamming(a, b)
