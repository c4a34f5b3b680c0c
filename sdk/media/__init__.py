"""Media decoding, signal types (perceptual hashes) and PSI candidates.

``decode.py`` turns bytes into upright RGB pixels safely; ``pdq.py`` (numpy) and ``pdq_onnx.py``
(onnxruntime) compute PDQ; ``onnx_embedding.py`` is the generic embedding signal type;
``signal_types.py`` is the common interface; ``candidates.py`` derives the PSI candidates.
"""
