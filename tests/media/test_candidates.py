"""PSI candidates: a re-shared copy meets its hash-set entry, distinct images do not."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from vouchsafe.imagegen import synthetic_image
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media.candidates import (
    CANDIDATE_SCHEME,
    CODE_BITS,
    KEY_BYTES,
    MAX_CANDIDATES,
    coarse_positions,
    hash_set_keys,
    psi_candidates,
)
from vouchsafe.sdk.media.signal_types import HashResult, PdqSignalType

PDQ = PdqSignalType()


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _shares_a_key(original: Image.Image, copy: Image.Image) -> bool:
    keys = set(hash_set_keys("pdq", PDQ.hash_media(original).bits))
    return bool(keys & set(psi_candidates(PDQ.hash_media(copy))))


def test_device_returns_exactly_sixteen_distinct_fixed_length_keys() -> None:
    candidates = psi_candidates(PDQ.hash_media(synthetic_image(1, (200, 150))))
    assert len(candidates) == MAX_CANDIDATES == 16
    assert len(set(candidates)) == MAX_CANDIDATES
    assert all(len(c) == KEY_BYTES for c in candidates)


def test_the_unmodified_code_is_the_first_candidate_and_the_entrys_first_key() -> None:
    result = PDQ.hash_media(synthetic_image(2, (200, 150)))
    assert psi_candidates(result)[0] == hash_set_keys("pdq", result.bits)[0]


def test_hash_set_keys_need_only_the_hash() -> None:
    result = PDQ.hash_media(synthetic_image(3, (200, 150)))
    keys = hash_set_keys("pdq", result.bits)
    assert 1 <= len(keys) <= 2
    assert keys == hash_set_keys("pdq", bytes(result.bits))


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_a_jpeg_recompressed_copy_shares_a_candidate(seed: int) -> None:
    image = synthetic_image(seed, (320, 240))
    assert _shares_a_key(image, _jpeg(image, 75))


def test_most_resized_copies_share_a_candidate() -> None:
    # Small noisy synthetic images are a hard case (13 of 20 here, against ~80-90% on the
    # corpus, see README); the bar guards against regressions, the eval measures.
    images = [synthetic_image(seed, (320, 240)) for seed in range(20)]
    shared = [_shares_a_key(i, i.resize((240, 180), Image.Resampling.BICUBIC)) for i in images]
    assert sum(shared) >= 12


def test_a_mirrored_copy_meets_the_mirror_key() -> None:
    image = synthetic_image(9, (320, 240))
    original = PDQ.hash_media(image)
    mirrored = PDQ.hash_media(ImageOps.mirror(image))
    assert psi_candidates(mirrored)[0] != psi_candidates(original)[0]
    assert set(hash_set_keys("pdq", original.bits)) & set(psi_candidates(mirrored))


def test_distinct_images_share_no_candidate(generated_images: list[Image.Image]) -> None:
    results = [PDQ.hash_media(image) for image in generated_images]
    for a, ra in enumerate(results):
        candidates = set(psi_candidates(ra))
        for b, rb in enumerate(results):
            if a != b:
                assert not candidates & set(hash_set_keys("pdq", rb.bits))


def test_keys_are_domain_separated_by_signal_type() -> None:
    bits = PDQ.hash_media(synthetic_image(10, (200, 150))).bits
    assert not set(hash_set_keys("pdq", bits)) & set(hash_set_keys("other", bits))
    assert CANDIDATE_SCHEME.endswith("-v1")


def test_without_coefficients_the_device_still_sends_sixteen_candidates() -> None:
    result = PDQ.hash_media(synthetic_image(11, (200, 150)))
    bare = HashResult(bits=result.bits, quality=result.quality)
    candidates = psi_candidates(bare)
    assert len(set(candidates)) == MAX_CANDIDATES
    assert candidates[0] == psi_candidates(result)[0]


def test_coarse_code_uses_the_lowest_frequencies() -> None:
    positions = coarse_positions("pdq", 256)
    assert len(positions) == CODE_BITS
    frequencies = np.divmod(positions, 16)
    assert int((frequencies[0] + frequencies[1]).max()) <= 9


@pytest.mark.parametrize("length", [0, 31, 33])
def test_wrong_length_pdq_hash_is_invalid_media(length: int) -> None:
    with pytest.raises(InvalidMedia):
        hash_set_keys("pdq", b"\x00" * length)
