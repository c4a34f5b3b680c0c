"""PSI candidates: a re-shared copy meets its hash-set entry, distinct images do not."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from vouchsafe.imagegen import synthetic_image
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media import pdq, probes
from vouchsafe.sdk.media.candidates import (
    BUDGETS,
    CANDIDATE_SCHEME,
    CODE_BITS,
    KEY_BYTES,
    MAX_CANDIDATES,
    ROOT_NAMES,
    ROOT_SHARES,
    SCHEMES,
    candidate_codes,
    coarse_positions,
    get_scheme,
    hash_set_keys,
    probe_roots,
    psi_candidates,
    scheme_for_budget,
)
from vouchsafe.sdk.media.signal_types import (
    UNRESIZE_FACTORS,
    UNRESIZE_MAX_SIDE,
    VIEW_NAMES,
    HashResult,
    PdqSignalType,
    unresize_size,
    unresize_view,
)

PDQ = PdqSignalType()


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _shares_a_key(original: Image.Image, copy: Image.Image) -> bool:
    keys = set(hash_set_keys("pdq", PDQ.hash_media(original).bits))
    return bool(keys & set(psi_candidates(PDQ.hash_media(copy))))


@pytest.mark.parametrize("budget", BUDGETS)
def test_device_returns_exactly_the_budget_of_distinct_fixed_length_keys(budget: int) -> None:
    candidates = psi_candidates(
        PDQ.hash_media(synthetic_image(1, (200, 150))), scheme_for_budget(budget)
    )
    assert len(candidates) == len(set(candidates)) == budget
    assert all(len(c) == KEY_BYTES for c in candidates)


def test_default_scheme_takes_at_most_64_candidates_and_names_its_budget() -> None:
    assert MAX_CANDIDATES == 64 and CANDIDATE_SCHEME.endswith("-k64-v5")
    assert BUDGETS == (16, 32, 64, 128, 256)
    assert all(get_scheme(name).name == name for name in SCHEMES)
    with pytest.raises(InvalidMedia):
        get_scheme("lowfreq52-mirror-multiprobe16-v1")
    with pytest.raises(InvalidMedia):
        get_scheme("lowfreq58-mirror-views3-k64-v2")  # v2's device roots are retired
    with pytest.raises(InvalidMedia):
        get_scheme("lowfreq58-mirror-views5-k64-v3")  # and v3's
    with pytest.raises(InvalidMedia):
        get_scheme("lowfreq58-mirror-views7-k64-v4")  # and v4's


def test_v5_keeps_the_hash_set_keys_of_v2() -> None:
    # Only the device's candidates changed: the key domain (and so every release key) is v2's.
    assert all(s.key_domain == f"lowfreq{s.code_bits}-mirror-v2" for s in SCHEMES.values())


def test_longer_codes_for_larger_budgets_keep_keys_apart() -> None:
    bits = PDQ.hash_media(synthetic_image(3, (200, 150))).bits
    assert [scheme_for_budget(b).code_bits for b in BUDGETS] == sorted(
        scheme_for_budget(b).code_bits for b in BUDGETS
    )
    k16, k32 = scheme_for_budget(16), scheme_for_budget(32)
    assert not set(hash_set_keys("pdq", bits, k16)) & set(hash_set_keys("pdq", bits, k32))
    # Same code length, same key domain: budgets 32 and 64 share the hash-set side.
    assert hash_set_keys("pdq", bits, k32) == hash_set_keys("pdq", bits, scheme_for_budget(64))


def test_a_smaller_budget_of_one_code_length_is_a_prefix_of_a_larger_one() -> None:
    result = PDQ.hash_media(synthetic_image(4, (320, 240)))
    small = psi_candidates(result, scheme_for_budget(32))
    assert psi_candidates(result, scheme_for_budget(64))[:32] == small


def test_every_root_contributes_candidates_in_its_share() -> None:
    result = PDQ.hash_media(synthetic_image(5, (320, 240)))
    assert len(result.view_coefficients) == len(ROOT_NAMES) - 1 == len(VIEW_NAMES)
    roots = [index for index, _, _ in candidate_codes(result)]
    assert roots[0] == 0 and set(roots) <= set(range(len(ROOT_NAMES)))
    assert roots.count(0) >= roots.count(1)


def test_root_shares_divide_the_priority_unit() -> None:
    # Probe j of a root of share a has priority (j + 1) * 6 // a, exact for every share.
    assert len(ROOT_SHARES) == len(ROOT_NAMES) == 7
    assert ROOT_SHARES == (6, 2, 2, 6, 3, 2, 2) and all(6 % a == 0 for a in ROOT_SHARES)


def test_flip_sets_come_cheapest_first_and_cover_every_small_set() -> None:
    margins = [50, 10, 30, 20, 40]
    stream = probes.flip_sets(margins)
    sets = [next(stream) for _ in range(32)]
    assert sets[0] == () and len(set(sets)) == 32  # all 2^5 subsets, each once
    costs = [sum(margins[k] for k in s) for s in sets]
    assert costs == sorted(costs)
    assert sets[1] == (1,) and sets[2] == (3,)


def test_uncrop_pads_with_the_edge_pixels_to_the_uncropped_size() -> None:
    pixels = np.arange(98 * 49 * 3, dtype=np.uint32).reshape(98, 49, 3).astype(np.uint8)
    padded = probes.uncrop_pixels(pixels)
    assert padded.shape == (100, 50, 3)  # round(98 / 0.98), round(49 / 0.98)
    assert np.array_equal(padded[1:99, 0:49], pixels)  # 1 + 1 rows, 0 + 1 columns
    assert np.array_equal(padded[0], padded[1]) and np.array_equal(padded[:, 49], padded[:, 48])
    tiny = np.zeros((3, 3, 3), dtype=np.uint8)
    assert probes.uncrop_pixels(tiny).shape == (3, 3, 3)


def test_uncrop_view_undoes_most_of_a_two_percent_crop() -> None:
    # The uncrop view of a cropped copy lies closer to the original's coefficients than the
    # copy's own (a benign synthetic picture; the eval measures the corpus).
    image = synthetic_image(6, (400, 300))
    original = PDQ.hash_media(image).coefficients
    cropped = PDQ.hash_media(image.crop((4, 3, 396, 297)))
    assert original is not None and cropped.coefficients is not None
    uncrop = cropped.view_coefficients[VIEW_NAMES.index("uncrop_view")]
    assert np.linalg.norm(uncrop - original) < np.linalg.norm(cropped.coefficients - original)


def test_unclip_view_equals_the_hash_without_saturated_pixels() -> None:
    pixels = np.full((64, 80, 3), 120, dtype=np.uint8)
    pixels[:, 40:] = (30, 200, 90)
    result = PDQ.hash_media(Image.fromarray(pixels))
    assert result.coefficients is not None
    unclip = result.view_coefficients[VIEW_NAMES.index("unclip_view")]
    assert np.allclose(unclip, result.coefficients)


def test_unclip_view_pushes_saturated_channels_past_their_limits() -> None:
    pixels = np.zeros((2, 2, 3), dtype=np.uint8)
    pixels[0, 0] = (255, 255, 255)
    pixels[0, 1] = (255, 100, 0)
    luma = probes.unclip_luma(pixels)
    plain = pdq.luminance(pixels)
    assert luma[0, 0] == pytest.approx(plain[0, 0] + probes.UNCLIP_HIGH, abs=1e-3)
    r, _g, b = pdq.LUMA_WEIGHTS
    expected = plain[0, 1] + probes.UNCLIP_HIGH * r - probes.UNCLIP_LOW * b
    assert luma[0, 1] == pytest.approx(expected, abs=1e-3)
    assert luma[1, 1] == pytest.approx(-probes.UNCLIP_LOW, abs=1e-3)


def _saturated_picture() -> Image.Image:
    # a benign synthetic picture brightened by 1.3 (PIL's gain), so many channels clip at 255
    image = synthetic_image(12, (160, 120))
    pixels = np.asarray(image, dtype=np.float64) * 1.3
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8))


def test_unclip_direction_moves_the_unclip_view_by_one_grey_level() -> None:
    image = _saturated_picture()
    pixels = np.asarray(image, dtype=np.uint8)
    assert (pixels == 255).any()
    result = PDQ.hash_media(image)
    assert result.unclip_direction is not None
    unclip = result.view_coefficients[VIEW_NAMES.index("unclip_view")]
    # the view at level UNCLIP_HIGH + 7, computed from its luma, is unclip + 7 * direction
    high = (pixels == 255).astype(np.float32) @ np.asarray(pdq.LUMA_WEIGHTS, dtype=np.float32)
    direct = pdq.dct16(pdq.decimate(probes.unclip_luma(pixels) + np.float32(7) * high))
    assert np.abs(result.unclip_direction).max() > 1e-3
    assert np.allclose(unclip + 7 * result.unclip_direction, direct, atol=1e-3)
    assert not np.allclose(unclip, direct, atol=1e-3)


def test_unclip_direction_is_zero_without_saturated_pixels() -> None:
    pixels = np.full((64, 80, 3), 120, dtype=np.uint8)
    pixels[:, 40:] = (30, 200, 90)
    result = PDQ.hash_media(Image.fromarray(pixels))
    assert result.unclip_direction is not None and not result.unclip_direction.any()


def test_swept_margins_put_the_bits_a_level_decides_first() -> None:
    result = PDQ.hash_media(_saturated_picture())
    assert result.unclip_direction is not None
    centre = result.view_coefficients[VIEW_NAMES.index("unclip_view")]
    positions = coarse_positions("pdq", 256)
    swept = probes.swept_margins(centre, result.unclip_direction, positions)
    plain = probes.quantized_margins(centre, positions)
    assert len(swept) == len(plain) == positions.size and min(swept) >= 0
    # between 1/UNCLIP_TIEBREAK of P.3's margin (a bit the sweep crosses) and 1 + 1/UNCLIP_TIEBREAK
    # of it (the centre level is one of the sweep's)
    tie = probes.UNCLIP_TIEBREAK
    assert all(s <= p + p // tie + 2 for s, p in zip(swept, plain, strict=True))
    assert all(s >= p // tie - 1 for s, p in zip(swept, plain, strict=True))
    # a bit whose coefficient crosses the median at another level of the sweep has only its
    # tie-break margin left
    values = np.asarray(centre).reshape(-1)
    code = values[positions] > pdq.median_of(values)
    crossed = np.zeros(positions.size, dtype=bool)
    for level in probes.UNCLIP_SWEEP:
        at = values + (level - probes.UNCLIP_HIGH) * np.asarray(result.unclip_direction).reshape(-1)
        crossed |= (at[positions] > pdq.median_of(at)) != code
    assert crossed.any()
    for k in np.flatnonzero(crossed):
        assert swept[k] <= plain[k] // tie + 1
    assert any(s < p for s, p in zip(swept, plain, strict=True))
    # without a direction (nothing saturated) the sweep is P.3's margins scaled by 1 + 1/20
    flat = probes.swept_margins(centre, np.zeros_like(centre), positions)
    assert all(abs(f - p * (1 + 1 / tie)) <= 2 for f, p in zip(flat, plain, strict=True))


def test_the_unclip_root_uses_the_swept_margins() -> None:
    result = PDQ.hash_media(_saturated_picture())
    assert result.unclip_direction is not None and result.coefficients is not None
    roots = probe_roots(result)
    unclip = result.view_coefficients[VIEW_NAMES.index("unclip_view")]
    positions = coarse_positions("pdq", 256)
    index = ROOT_NAMES.index("unclip_view")
    assert roots[index].margins == probes.swept_margins(unclip, result.unclip_direction, positions)
    assert roots[index].margins != probes.quantized_margins(unclip, positions)
    assert roots[0].margins == probes.quantized_margins(result.coefficients, positions)


def test_wide_view_filters_with_the_windows_of_a_larger_picture() -> None:
    luma = np.asarray(synthetic_image(7, (300, 200)).convert("L"), dtype=np.float32)
    assert np.array_equal(pdq.decimate(luma, 1.0), pdq.decimate(luma))
    # 300 px: window 3; at 4/3 the size (400 px) window 4
    assert pdq.jarosz_window(300) == 3 and pdq.jarosz_window(400) == 4
    assert not np.allclose(pdq.decimate(luma, probes.WIDE_WINDOW_SCALE), pdq.decimate(luma))


def test_unresize_sizes_scale_back_up_within_the_cap() -> None:
    assert UNRESIZE_FACTORS == (2.0, 4 / 3) and UNRESIZE_MAX_SIDE == 2048
    assert unresize_size(150, 100, 2.0) == (300, 200)
    assert unresize_size(150, 100, 4 / 3) == (200, 133)
    assert unresize_size(1536, 1000, 2.0) == (2048, 1333)  # capped at 2048 px
    assert unresize_size(2048, 1000, 2.0) is None  # at the cap already: the item itself
    assert unresize_size(3000, 10, 4 / 3) is None
    image = synthetic_image(8, (90, 60))
    up = unresize_view(image, 2.0)
    assert up is not None and up.size == (180, 120)
    assert unresize_view(Image.new("RGB", (2048, 64)), 2.0) is None


def test_unresize_view_of_an_item_at_the_cap_is_its_own_hash() -> None:
    result = PDQ.hash_media(synthetic_image(9, (2048, 40)))
    assert result.coefficients is not None
    for name in ("unresize2_view", "unresize43_view"):
        assert np.array_equal(result.view_coefficients[VIEW_NAMES.index(name)], result.coefficients)


def test_unresize_view_undoes_most_of_a_half_size_resize() -> None:
    # The 2x un-resize view of a half-size copy lies closer to the original's coefficients than
    # the copy's own (a benign synthetic picture; the eval measures the corpus).
    image = synthetic_image(6, (400, 300))
    original = PDQ.hash_media(image).coefficients
    half = PDQ.hash_media(image.resize((200, 150), Image.Resampling.BICUBIC))
    assert original is not None and half.coefficients is not None
    up = half.view_coefficients[VIEW_NAMES.index("unresize2_view")]
    assert np.linalg.norm(up - original) < np.linalg.norm(half.coefficients - original)


def test_decimation_band_weights_sum_to_one_for_wider_windows() -> None:
    for n in (7, 64, 97, 128, 300):
        for window in (pdq.jarosz_window(n), pdq.jarosz_window(max(1, round(n * 4 / 3))) + 1):
            _, weight = pdq.decimation_band(n, window)
            assert np.allclose(weight.sum(axis=1), 1.0)


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


def test_without_coefficients_the_device_still_sends_the_full_budget() -> None:
    result = PDQ.hash_media(synthetic_image(11, (200, 150)))
    bare = HashResult(bits=result.bits, quality=result.quality)
    candidates = psi_candidates(bare)
    assert len(set(candidates)) == MAX_CANDIDATES
    assert candidates[0] == psi_candidates(result)[0]


def test_coarse_code_uses_the_lowest_frequencies() -> None:
    positions = coarse_positions("pdq", 256)
    assert len(positions) == CODE_BITS
    frequencies = np.divmod(positions, 16)
    assert int((frequencies[0] + frequencies[1]).max()) <= 10  # 55 bits have i + j <= 9


@pytest.mark.parametrize("length", [0, 31, 33])
def test_wrong_length_pdq_hash_is_invalid_media(length: int) -> None:
    with pytest.raises(InvalidMedia):
        hash_set_keys("pdq", b"\x00" * length)
