"""The keyed confirmation hash: robust to re-shares, keyed, and the second check past threshold."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance

from vouchsafe.imagegen import synthetic_image
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.visual_derivative import visual_derivative
from vouchsafe.server.confirmation.key import (
    ConfirmationKey,
    ConfirmationKeyInvalid,
    generate_confirmation_key,
    read_confirmation_key,
    write_confirmation_key,
)
from vouchsafe.server.confirmation.keyed_hash import (
    CONFIRMATION_MATCH_DISTANCE,
    HASH_BYTES,
    TONE_FACTORS,
    ConfirmationHasher,
    hamming,
    listing_distance,
    split_listing,
)
from vouchsafe.server.pipeline.confirmation import Confirmation, Rejection, confirm_match
from vouchsafe.server.pipeline.matching import ConfirmationEntry, ListEntryIndex

from .fakes import associated_data

KNOWN_HASH = bytes.fromhex("f0" * 32)


def _jpeg(image: Image.Image, quality: int = 50) -> Image.Image:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


@pytest.fixture(scope="module")
def hasher() -> ConfirmationHasher:
    return ConfirmationHasher(generate_confirmation_key())


def test_reshares_of_a_picture_stay_within_the_match_distance(hasher: ConfirmationHasher) -> None:
    picture = synthetic_image(3, (320, 240))
    listed = split_listing(hasher.listing(picture))
    reshares = [
        _jpeg(picture),
        picture.resize((160, 120), Image.Resampling.BICUBIC),
        ImageEnhance.Brightness(picture).enhance(1.2),
        ImageEnhance.Brightness(picture).enhance(0.8),
        ImageEnhance.Contrast(picture).enhance(1.3),
    ]
    for copy in reshares:
        assert listing_distance(hasher.hash_image(copy), listed) <= CONFIRMATION_MATCH_DISTANCE


def test_unrelated_pictures_do_not_confirm(hasher: ConfirmationHasher) -> None:
    listed = split_listing(hasher.listing(synthetic_image(3, (320, 240))))
    others = [hasher.hash_image(synthetic_image(seed, (320, 240))) for seed in (10, 11, 12)]
    assert all(listing_distance(h, listed) > CONFIRMATION_MATCH_DISTANCE for h in others)


def test_a_listing_holds_one_hash_per_tone_variant_the_first_of_the_picture_itself(
    hasher: ConfirmationHasher,
) -> None:
    picture = synthetic_image(4, (320, 240))
    listed = split_listing(hasher.listing(picture))
    assert len(listed) == len(TONE_FACTORS) and TONE_FACTORS[0] == 1.0
    assert listed[0] == hasher.hash_image(picture)
    brighter = ImageEnhance.Brightness(picture).enhance(TONE_FACTORS[-1])
    assert listed[-1] == hasher.hash_image(brighter)
    assert listing_distance(listed[0], listed) == 0


@pytest.mark.parametrize("size", [0, 31, 33, 9 * HASH_BYTES])
def test_a_listing_of_the_wrong_length_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="1 to 8 hashes"):
        split_listing(bytes(size))


def test_the_hash_depends_on_the_key() -> None:
    picture = synthetic_image(5)
    first = ConfirmationHasher(generate_confirmation_key()).hash_image(picture)
    second = ConfirmationHasher(generate_confirmation_key()).hash_image(picture)
    assert len(first) == HASH_BYTES
    # Under two keys the bits of one picture agree by chance only (about half of 256).
    assert 80 <= hamming(first, second) <= 176


def test_the_key_is_redacted_and_named_by_an_id_that_is_not_the_key(tmp_path: Path) -> None:
    key = generate_confirmation_key()
    assert key.secret.hex() not in repr(key) and "redacted" in repr(key)
    assert len(key.key_id) == 32 and key.key_id not in key.secret.hex()
    path = tmp_path / "confirmation_key"
    write_confirmation_key(path, key)
    assert path.stat().st_mode & 0o077 == 0
    assert read_confirmation_key(path) == key
    path.write_text("00ff", encoding="ascii")
    with pytest.raises(ConfirmationKeyInvalid):
        read_confirmation_key(path)
    with pytest.raises(ConfirmationKeyInvalid):
        ConfirmationKey(bytes(31))


def test_a_derivative_that_is_not_an_image_is_refused(hasher: ConfirmationHasher) -> None:
    with pytest.raises(InvalidMedia):
        hasher.hash_derivative(b"\x89PNG not really")


def _index(hasher: ConfirmationHasher | None, listed: tuple[bytes, ...]) -> ListEntryIndex:
    return ListEntryIndex((ConfirmationEntry("entry-1", "pdq", KNOWN_HASH, listed),), hasher)


def test_a_match_passes_confirmation_only_when_both_checks_pass(
    hasher: ConfirmationHasher,
) -> None:
    known = synthetic_image(3, (320, 240))
    index = _index(hasher, (hasher.hash_image(known),))
    genuine = associated_data(KNOWN_HASH, visual_derivative(_jpeg(known)))
    outcome = confirm_match(genuine, index)
    assert isinstance(outcome, Confirmation)
    assert outcome.second_check == "passed" and outcome.second_distance >= 0
    # A forgery: the known item's PDQ hash, but another picture's derivative.
    forged = associated_data(KNOWN_HASH, visual_derivative(synthetic_image(10, (320, 240))))
    rejected = confirm_match(forged, index)
    assert isinstance(rejected, Rejection)
    assert (rejected.reason, rejected.check) == ("confirmation_failed", "keyed-derivative")
    assert rejected.entry_id == "entry-1"
    assert rejected.second_distance > CONFIRMATION_MATCH_DISTANCE
    unusable = confirm_match(associated_data(KNOWN_HASH, b"\x89PNG fake"), index)
    assert isinstance(unusable, Rejection) and unusable.reason == "confirmation_failed"
    far = confirm_match(associated_data(bytes.fromhex("0f" * 32)), index)
    assert isinstance(far, Rejection) and (far.reason, far.check) == ("collision", "pdq")


def test_without_a_key_or_listed_hash_the_second_check_is_unavailable(
    hasher: ConfirmationHasher,
) -> None:
    ad = associated_data(KNOWN_HASH, visual_derivative(synthetic_image(10)))
    for index in (_index(None, (bytes(32),)), _index(hasher, ())):
        outcome = confirm_match(ad, index)
        assert isinstance(outcome, Confirmation)
        assert outcome.second_check == "unavailable"
