"""PSI candidates: the exact-match keys derived from one media item (``protocol/SPEC.md``,
"PSI candidates").

A full 256-bit perceptual hash almost never survives a re-share bit for bit, so PSI matches on a
**coarse code**: the ``code_bits`` lowest-frequency bits of the hash. The full hash travels in the
voucher's associated data, and past threshold the server re-checks each match at PDQ's Hamming
distance <= 31 and drops coarse-code collisions.

The two sides are deliberately asymmetric:

* :func:`hash_set_keys` needs only ``(signal type, full hash)``, all a source list carries. A PDQ
  entry contributes two keys: the coarse code of its hash and of the hash as the horizontally
  mirrored picture would have it.
* :func:`psi_candidates` runs on the device, which has the image. It returns exactly
  ``max_candidates`` keys, interleaving the probes of seven *roots* (budget shares out of 21):
  the code of the hash itself (6), of a half-size copy of the image (2; resizing moves PDQ bits
  through decimation aliasing, and hashing once more at another scale sees where), of the picture
  padded by 2% with its own edge pixels (2; undoes a small crop), of the picture with saturated
  channel values pushed past their limits (6; undoes on average the clipping of a brightness or
  contrast edit), of the picture filtered with wider box windows (3; a resized copy is
  filtered differently) and of the picture upscaled back by 2x and by 4/3 (2 each; undoes a
  downscale to 1/2 or 3/4). Each root's probes flip the code positions whose coefficients lie
  closest to the median, cheapest flip set first (:mod:`.probes`); the unclip root's margins
  are the smallest over a range of unclip levels (how far past 255 the clipped values lay is
  not known), so the bits that such a level decides are flipped first.

A :class:`CandidateScheme` names and versions all of this for one budget; the release signs the
scheme's name and its ``max_candidates`` (``ServerParams``), so device and provider agree. The
code length grows with the budget so that the per-image false-match probability against 1M
entries stays <= 1e-6 by the binomial model on the corpus split the schemes were fitted on
(``vouchsafe eval hashing``, README "Perceptual hashing"). For one scheme the candidate list at
a smaller budget would be a prefix of the list at a larger one, so a device may cut it.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media import pdq, probes
from vouchsafe.sdk.media.signal_types import PDQ, VIEW_NAMES, HashResult

KEY_BYTES = 32
# v3 changed the device's candidates (five roots instead of three), v4 added the two un-resize
# roots (seven), v5 the unclip root's level-swept margins and new shares; the hash-set keys, and
# so the key domain, are v2's unchanged.
SCHEME_VERSION = "v5"
KEY_VERSION = "v2"
# Budget shares of the roots (relative weights, 21 in all): hash, half-size view, uncrop view,
# unclip view, wide view, un-resize 2x and 4/3 views (fitted on the fit split; README "PSI
# candidates", SPEC P.6).
ROOT_NAMES = ("hash", *VIEW_NAMES)
ROOT_SHARES = (6, 2, 2, 6, 3, 2, 2)
_UNCLIP_ROOT = ROOT_NAMES.index("unclip_view")
_SHARE_UNIT = math.lcm(*ROOT_SHARES)  # probe j of a root of share s has priority (j+1)*unit/s


@dataclass(frozen=True)
class CandidateScheme:
    """One named, versioned way to derive PSI candidates at one budget."""

    max_candidates: int
    code_bits: int

    @property
    def name(self) -> str:
        """E.g. ``lowfreq58-mirror-views7-k64-v5``: signed in the release."""
        return f"lowfreq{self.code_bits}-mirror-views7-k{self.max_candidates}-{SCHEME_VERSION}"

    @property
    def key_domain(self) -> str:
        """What the keys depend on (not the budget, not the device's roots): schemes sharing it
        share hash-set keys."""
        return f"lowfreq{self.code_bits}-mirror-{KEY_VERSION}"


# Code length per budget: the shortest whose model false-match probability per image against
# 2 keys x 1M entries stays <= 1e-6 on the fit split (README "Perceptual hashing").
SCHEMES: dict[str, CandidateScheme] = {
    s.name: s
    for s in (
        CandidateScheme(16, 56),
        CandidateScheme(32, 58),
        CandidateScheme(64, 58),
        CandidateScheme(128, 60),
        CandidateScheme(256, 62),
    )
}
BUDGETS = tuple(sorted(s.max_candidates for s in SCHEMES.values()))
DEFAULT_BUDGET = 64
DEFAULT_SCHEME = next(s for s in SCHEMES.values() if s.max_candidates == DEFAULT_BUDGET)
CANDIDATE_SCHEME = DEFAULT_SCHEME.name
MAX_CANDIDATES = DEFAULT_SCHEME.max_candidates
CODE_BITS = DEFAULT_SCHEME.code_bits


def get_scheme(name: str) -> CandidateScheme:
    """The scheme called ``name``; raises InvalidMedia naming the known ones."""
    try:
        return SCHEMES[name]
    except KeyError:
        known = ", ".join(SCHEMES)
        raise InvalidMedia(f"unknown candidate scheme {name!r} (known: {known})") from None


def scheme_for_budget(max_candidates: int) -> CandidateScheme:
    """The scheme of budget ``max_candidates`` (one of :data:`BUDGETS`)."""
    for scheme in SCHEMES.values():
        if scheme.max_candidates == max_candidates:
            return scheme
    raise InvalidMedia(f"no candidate scheme has budget {max_candidates} (budgets: {BUDGETS})")


@lru_cache(maxsize=32)
def coarse_positions(
    signal_type: str, hash_bits: int, code_bits: int = CODE_BITS
) -> npt.NDArray[np.int64]:
    """Bit indices (flag order of :func:`vouchsafe.sdk.media.pdq.unpack_bits`) of the coarse code.

    PDQ: the ``code_bits`` coefficients of lowest total frequency ``i + j`` (ties by row, then
    column). Other signal types: the first ``code_bits`` bits (a projection has no order).
    """
    if hash_bits < code_bits:
        raise InvalidMedia(f"a {hash_bits}-bit hash is too short for PSI candidates", field="hash")
    if signal_type == PDQ:
        i, j = np.divmod(np.arange(pdq.HASH_BITS), pdq.DCT_SIZE)
        order = np.lexsort((j, i, i + j))
        out: npt.NDArray[np.int64] = order[:code_bits].astype(np.int64)
    else:
        out = np.arange(code_bits, dtype=np.int64)
    out.setflags(write=False)
    return out


def _flags(perceptual_hash: bytes) -> npt.NDArray[np.bool_]:
    bits = np.unpackbits(np.frombuffer(perceptual_hash, dtype=np.uint8)).astype(bool)
    out: npt.NDArray[np.bool_] = bits[::-1].copy()
    return out


def candidate_key(
    signal_type: str, code: npt.NDArray[np.bool_], scheme: CandidateScheme = DEFAULT_SCHEME
) -> bytes:
    """``SHA-256(framed(PsiCandidate, key domain, signal type, packbits(code)))``: 32 bytes,
    domain-separated by code length and signal type (``labels.framed``)."""
    code_bytes = np.packbits(code.astype(np.uint8)).tobytes()
    h = _candidate_key_prefix(signal_type, scheme, len(code_bytes))
    h.update(code_bytes)
    return h.digest()


def _check(signal_type: str, perceptual_hash: bytes) -> None:
    if not signal_type:
        raise InvalidMedia("signal type is empty", field="signal_type")
    if signal_type == PDQ and len(perceptual_hash) != pdq.HASH_BYTES:
        raise InvalidMedia(
            f"a PDQ hash is {pdq.HASH_BYTES} bytes, got {len(perceptual_hash)}", field="hash"
        )


@lru_cache(maxsize=1)
def _mirror_mask() -> npt.NDArray[np.bool_]:
    # mirroring negates the coefficients of odd horizontal frequency (even flag columns)
    mask: npt.NDArray[np.bool_] = (np.arange(pdq.HASH_BITS) % pdq.DCT_SIZE) % 2 == 0
    mask.setflags(write=False)
    return mask


def mirrored_flags(flags: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """PDQ flags of the horizontally mirrored picture, as far as the hash alone tells."""
    return flags ^ _mirror_mask()


def _candidate_key_prefix(
    signal_type: str, scheme: CandidateScheme, code_length: int
) -> hashlib._Hash:
    """SHA-256 state over the framing of :func:`candidate_key` up to its code bytes."""
    fields = (scheme.key_domain.encode("ascii"), signal_type.encode(), bytes(code_length))
    return hashlib.sha256(labels.framed(labels.PSI_CANDIDATE, *fields)[:-code_length])


def hash_set_keys(
    signal_type: str, perceptual_hash: bytes, scheme: CandidateScheme = DEFAULT_SCHEME
) -> list[bytes]:
    """The PSI keys one hash-set entry contributes (distinct, in a fixed order).

    Needs only what a source list carries. PDQ: the coarse code and its mirrored counterpart;
    other signal types: the coarse code.
    """
    return hash_set_keys_batch(signal_type, [perceptual_hash], scheme)[0]


def hash_set_keys_batch(
    signal_type: str, perceptual_hashes: Sequence[bytes], scheme: CandidateScheme = DEFAULT_SCHEME
) -> list[list[bytes]]:
    """:func:`hash_set_keys` of each hash of one signal type, computed together: the codes are
    cut from one bit matrix per hash length (numpy), and each key is one SHA-256 continuing
    the shared framing prefix, so a release build pays about one hash call per key."""
    for perceptual_hash in perceptual_hashes:
        _check(signal_type, perceptual_hash)
    out: list[list[bytes]] = [[] for _ in perceptual_hashes]
    by_length: dict[int, list[int]] = {}
    for index, perceptual_hash in enumerate(perceptual_hashes):
        by_length.setdefault(len(perceptual_hash), []).append(index)
    for length, indices in by_length.items():
        raw = np.frombuffer(b"".join(perceptual_hashes[i] for i in indices), dtype=np.uint8)
        flags = np.unpackbits(raw.reshape(len(indices), length), axis=1)[:, ::-1]
        positions = coarse_positions(signal_type, flags.shape[1], scheme.code_bits)
        codes = [np.packbits(flags[:, positions], axis=1)]
        if signal_type == PDQ:
            flip = _mirror_mask()[positions].astype(np.uint8)
            codes.append(np.packbits(flags[:, positions] ^ flip, axis=1))
        prefix = _candidate_key_prefix(signal_type, scheme, codes[0].shape[1])
        for variant in codes:
            width = variant.shape[1]
            packed = variant.tobytes()
            for row, index in enumerate(indices):
                code = packed[row * width : (row + 1) * width]
                h = prefix.copy()
                h.update(code)
                key = h.digest()
                if key not in out[index]:
                    out[index].append(key)
    return out


@dataclass(frozen=True)
class Root:
    """One code the device probes around, the margins of its positions and its budget share."""

    code: npt.NDArray[np.bool_]
    margins: list[int]
    share: int


def probe_roots(result: HashResult, scheme: CandidateScheme = DEFAULT_SCHEME) -> list[Root]:
    """The roots of ``result``: its own code, then (PDQ with coefficients) the codes of the
    views ``result.view_coefficients`` holds, in :data:`ROOT_NAMES` order (a result hashed
    without its views has the hash root only). The unclip root's margins are
    :func:`vouchsafe.sdk.media.probes.swept_margins` when ``result.unclip_direction`` is
    known, P.3's otherwise."""
    flags = _flags(result.bits)
    positions = coarse_positions(result.signal_type, flags.size, scheme.code_bits)
    code = flags[positions]
    if result.coefficients is None:
        # No real values to tell which bits are uncertain: a fixed order (highest frequency
        # first, which PDQ's bit-flip rates measure as the least stable).
        return [Root(code, list(range(positions.size, 0, -1)), ROOT_SHARES[0])]
    values = np.asarray(result.coefficients, dtype=np.float64).reshape(-1)
    if result.signal_type != PDQ:
        spread = float(np.std(values)) or 1.0
        margins = np.floor(np.abs(values[positions]) / spread * probes.MARGIN_SCALE)
        return [Root(code, [int(m) for m in margins], ROOT_SHARES[0])]
    roots = [Root(code, probes.quantized_margins(values, positions), ROOT_SHARES[0])]
    for index, (view, share) in enumerate(
        zip(result.view_coefficients, ROOT_SHARES[1:], strict=False), start=1
    ):
        view_flags = probes.code_flags(view)
        if index == _UNCLIP_ROOT and result.unclip_direction is not None:
            view_margins = probes.swept_margins(view, result.unclip_direction, positions)
        else:
            view_margins = probes.quantized_margins(view, positions)
        roots.append(Root(view_flags[positions], view_margins, share))
    return roots


def _probe_stream(index: int, root: Root) -> Iterator[tuple[int, int, tuple[int, ...]]]:
    for j, flip in enumerate(probes.flip_sets(root.margins)):
        yield ((j + 1) * _SHARE_UNIT // root.share, index, flip)


def candidate_codes(
    result: HashResult, scheme: CandidateScheme = DEFAULT_SCHEME
) -> list[tuple[int, tuple[int, ...], npt.NDArray[np.bool_]]]:
    """The ``max_candidates`` distinct codes the device sends, with (root, flip set) of each.

    The roots' probe streams are merged by ``(priority, root index)``; a code already taken is
    skipped.
    """
    _check(result.signal_type, result.bits)
    roots = probe_roots(result, scheme)
    streams = [_probe_stream(i, root) for i, root in enumerate(roots)]
    taken: set[bytes] = set()
    out: list[tuple[int, tuple[int, ...], npt.NDArray[np.bool_]]] = []
    for _, index, flip in heapq.merge(*streams):
        probe = roots[index].code.copy()
        probe[list(flip)] ^= True
        packed = np.packbits(probe.astype(np.uint8)).tobytes()
        if packed in taken:
            continue
        taken.add(packed)
        out.append((index, flip, probe))
        if len(out) == scheme.max_candidates:
            break
    return out


def psi_candidates(result: HashResult, scheme: CandidateScheme = DEFAULT_SCHEME) -> list[bytes]:
    """The device's ``scheme.max_candidates`` distinct PSI keys for one hashed media item.

    The first is the coarse code of ``result.bits`` itself (equal to the first of
    :func:`hash_set_keys` for the same hash). ``result.coefficients`` and
    ``result.view_coefficients`` stay on the device.
    """
    return [
        candidate_key(result.signal_type, code, scheme)
        for _, _, code in candidate_codes(result, scheme)
    ]
