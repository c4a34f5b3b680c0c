"""PSI candidates: the exact-match keys derived from one media item (two-tier matching).

A full 256-bit perceptual hash almost never survives a re-share bit for bit (after a 0.5x resize
PDQ changes ~10 bits on average), so PSI does not match on it. It matches on a **coarse code**:
the ``CODE_BITS`` lowest-frequency bits of the hash, which a re-share rarely changes. The full
hash and its quality travel in the voucher's associated data, and past threshold the server
re-checks each match at PDQ's Hamming distance <= 31 and drops coarse-code collisions.

The two sides are deliberately asymmetric:

* :func:`hash_set_keys` needs only ``(signal type, full hash)``, which is all a source list
  carries. A PDQ entry contributes two keys: the coarse code of its hash and the coarse code of
  the hash as the horizontally mirrored picture would have it (mirroring negates the DCT
  coefficients of odd horizontal frequency, so those bits invert, up to bits at the median).
* :func:`psi_candidates` runs on the device, which has the image: it knows how far each
  coefficient lies from the median (its *margin*) and so which bits a re-share is likeliest to
  have flipped. It returns exactly ``MAX_CANDIDATES`` keys: the coarse code with the flip sets of
  lowest total margin among the ``PROBE_DEPTH`` least certain bits (multi-probe LSH, Lv et al.,
  VLDB 2007), the unmodified code first.

Each key is ``SHA-256(framed(LABEL("PsiCandidate"), scheme, signal type, code))``,
32 bytes, so keys of different schemes or signal types never meet. ``CANDIDATE_SCHEME`` names
and versions every choice above; the voucher's associated data records it.

The constants were set by measurement on ``../shared/corpus`` (``vouchsafe eval hashing``, README
"Perceptual hashing"): code lengths of 32 to 64 bits were tried; 52 bits keep PSI recall at or
above 97% for JPEG, format changes and noise and 74-87% for resizes. Their degrees of freedom
(Daugman's binomial fit of distances between distinct images) came out near 42, which puts the
model per-image false-match probability for 16 candidates against 2 keys x 1M entries at about
1.3e-5, above the 1e-6 aim; 56-60 bits would meet it at some cost in resize recall.
"""

from __future__ import annotations

import hashlib
import itertools
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media import pdq
from vouchsafe.sdk.media.signal_types import PDQ, HashResult

CANDIDATE_SCHEME = "lowfreq52-mirror-multiprobe16-v1"
CODE_BITS = 52
MAX_CANDIDATES = 16
PROBE_DEPTH = 8
KEY_BYTES = 32


@lru_cache(maxsize=8)
def coarse_positions(signal_type: str, hash_bits: int) -> npt.NDArray[np.int64]:
    """Bit indices (flag order of :func:`vouchsafe.sdk.media.pdq.unpack_bits`) of the coarse code.

    PDQ: the 52 coefficients of lowest total frequency ``i + j`` (ties by row, then column).
    Other signal types: the first 52 bits (a seeded projection has no preferred order).
    """
    if hash_bits < CODE_BITS:
        raise InvalidMedia(f"a {hash_bits}-bit hash is too short for PSI candidates", field="hash")
    if signal_type == PDQ:
        i, j = np.divmod(np.arange(pdq.HASH_BITS), pdq.DCT_SIZE)
        order = np.lexsort((j, i, i + j))
        out: npt.NDArray[np.int64] = order[:CODE_BITS].astype(np.int64)
    else:
        out = np.arange(CODE_BITS, dtype=np.int64)
    out.setflags(write=False)
    return out


def _flags(perceptual_hash: bytes) -> npt.NDArray[np.bool_]:
    bits = np.unpackbits(np.frombuffer(perceptual_hash, dtype=np.uint8)).astype(bool)
    out: npt.NDArray[np.bool_] = bits[::-1].copy()
    return out


def candidate_key(signal_type: str, code: npt.NDArray[np.bool_]) -> bytes:
    """The 32-byte PSI key of one coarse code, domain-separated by scheme and signal type."""
    code_bytes = np.packbits(code.astype(np.uint8)).tobytes()
    fields = (CANDIDATE_SCHEME.encode(), signal_type.encode(), code_bytes)
    return hashlib.sha256(labels.framed(labels.PSI_CANDIDATE, *fields)).digest()


def _check(signal_type: str, perceptual_hash: bytes) -> None:
    if not signal_type:
        raise InvalidMedia("signal type is empty", field="signal_type")
    if signal_type == PDQ and len(perceptual_hash) != pdq.HASH_BYTES:
        raise InvalidMedia(
            f"a PDQ hash is {pdq.HASH_BYTES} bytes, got {len(perceptual_hash)}", field="hash"
        )


def mirrored_flags(flags: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """PDQ flags of the horizontally mirrored picture, as far as the hash alone tells."""
    out = flags.copy()
    odd_horizontal_frequency = (np.arange(pdq.HASH_BITS) % pdq.DCT_SIZE) % 2 == 0
    out[odd_horizontal_frequency] ^= True
    return out


def hash_set_keys(signal_type: str, perceptual_hash: bytes) -> list[bytes]:
    """The PSI keys one hash-set entry contributes (distinct, in a fixed order).

    Needs only what a source list carries. PDQ: the coarse code and its mirrored counterpart;
    other signal types: the coarse code.
    """
    _check(signal_type, perceptual_hash)
    flags = _flags(perceptual_hash)
    positions = coarse_positions(signal_type, flags.size)
    keys = [candidate_key(signal_type, flags[positions])]
    if signal_type == PDQ:
        mirrored = candidate_key(signal_type, mirrored_flags(flags)[positions])
        if mirrored not in keys:
            keys.append(mirrored)
    return keys


@lru_cache(maxsize=1)
def _flip_sets() -> tuple[tuple[int, ...], ...]:
    subsets: list[tuple[int, ...]] = []
    for size in range(PROBE_DEPTH + 1):
        subsets.extend(itertools.combinations(range(PROBE_DEPTH), size))
    return tuple(subsets)


def probe_flip_sets(margins: npt.NDArray[np.float64]) -> list[tuple[int, ...]]:
    """The ``MAX_CANDIDATES`` sets of code positions to flip, lowest total margin first.

    Only the ``PROBE_DEPTH`` positions of smallest margin are considered; the empty set (the
    code as hashed) always comes first.
    """
    uncertain = np.argsort(margins, kind="stable")[:PROBE_DEPTH]
    scored = []
    for subset in _flip_sets():
        chosen = tuple(int(uncertain[k]) for k in subset)
        scored.append((float(np.sum(margins[list(chosen)])) if chosen else -1.0, chosen))
    scored.sort(key=lambda item: item[0])
    return [chosen for _, chosen in scored[:MAX_CANDIDATES]]


def _margins(result: HashResult, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    if result.coefficients is None:
        # No real values to tell which bits are uncertain: fall back to a fixed order
        # (highest frequency first), which PDQ's bit-flip rates measure as the least stable.
        out: npt.NDArray[np.float64] = np.arange(positions.size, 0, -1, dtype=np.float64)
        return out
    values = np.asarray(result.coefficients, dtype=np.float64).reshape(-1)
    centre = pdq.median_of(values) if result.signal_type == PDQ else 0.0
    spread = float(np.std(values)) or 1.0
    margins: npt.NDArray[np.float64] = np.abs(values[positions] - centre) / spread
    return margins


def psi_candidates(result: HashResult) -> list[bytes]:
    """The device's ``MAX_CANDIDATES`` distinct PSI keys for one hashed media item.

    The first is the coarse code of ``result.bits`` itself (equal to the first of
    :func:`hash_set_keys` for the same hash); the rest flip the least certain coarse bits,
    judged from ``result.coefficients`` (kept on the device).
    """
    _check(result.signal_type, result.bits)
    flags = _flags(result.bits)
    positions = coarse_positions(result.signal_type, flags.size)
    code = flags[positions]
    candidates = []
    for flip in probe_flip_sets(_margins(result, positions)):
        probe = code.copy()
        probe[list(flip)] ^= True
        candidates.append(candidate_key(result.signal_type, probe))
    return candidates
