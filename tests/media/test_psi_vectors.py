"""SPEC "PSI candidates" test vectors: committed file == generator output, and consistent."""

from __future__ import annotations

import base64
import json

from vouchsafe.protocol.vectors.psi_candidates import (
    PSI_VECTORS_PATH,
    check_psi_vectors,
    render,
)
from vouchsafe.sdk.media.candidates import get_scheme, hash_set_keys, psi_candidates
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.media.signal_types import PdqSignalType


def test_committed_psi_vectors_regenerate_identically() -> None:
    assert PSI_VECTORS_PATH.read_text(encoding="utf-8") == render()
    assert check_psi_vectors() == []


def test_vector_images_give_the_recorded_hash_candidates_and_keys() -> None:
    document = json.loads(PSI_VECTORS_PATH.read_text(encoding="utf-8"))
    for case in document["cases"]:
        scheme = get_scheme(case["candidate_scheme"])
        result = PdqSignalType().hash_media(
            decode_image(base64.b64decode(case["image_png_base64"]))
        )
        assert result.hex == case["pdq_hash"]
        assert [c.hex() for c in psi_candidates(result, scheme)] == case["candidates"]
        keys = [k.hex() for k in hash_set_keys("pdq", result.bits, scheme)]
        assert keys == case["hash_set_keys"]
        assert len(case["probes"]) == scheme.max_candidates
        assert case["probes"][0] == {"root": 0, "flip": [], "code": case["roots"][0]["code"]}
