"""Server setup: ``GenerateServerKeys`` and ``BlindHashSet`` (SPEC.md sections of the same
names)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from vouchsafe.sdk.crypto.group import (
    ELEMENT_LENGTH,
    IDENTITY_ENCODING,
    UNIFORM_LENGTH,
    from_uniform_bytes,
    random_nonzero_scalar,
    scalarmult_bytes,
)
from vouchsafe.sdk.crypto.hash_to_group import hash_to_group_bytes
from vouchsafe.sdk.crypto.randomness import Randomness, os_randomness
from vouchsafe.sdk.errors import HashSetRejectedError, InvalidLengthError, InvalidParameterError
from vouchsafe.sdk.tpsi.cuckoo import EMPTY, CuckooPositions, build_cuckoo_table
from vouchsafe.sdk.tpsi.params import (
    DEFAULT_EPSILON,
    DEFAULT_MAX_CANDIDATES,
    DEFAULT_PADDED_ASSOCIATED_DATA_LENGTH,
    DEFAULT_SYNTHETIC_MAX,
    MAX_CANDIDATE_LENGTH,
    MIN_CANDIDATE_LENGTH,
    NONCE_BYTES,
    BlindedHashSet,
    CuckooReport,
    ServerKey,
    ServerParams,
    table_digest,
)
from vouchsafe.sdk.tpsi.validation import check_params_ranges
from vouchsafe.sdk.tpsi.verify import first_repeated_element

MAX_REHASH_ATTEMPTS = 8
_PROGRESS_STEP = 4096


def generate_server_keys(*, rng: Randomness | None = None) -> ServerKey:
    """GenerateServerKeys: a fresh secret alpha (uniform, non-zero)."""
    return ServerKey(alpha=random_nonzero_scalar(rng or os_randomness()))


def blind_element(server_key: ServerKey, y: bytes) -> bytes:
    """BlindElement: the encoding of alpha * HashToGroup(y), the table element of a filled
    slot holding ``y`` (for tooling that checks or patches single slots)."""
    if not MIN_CANDIDATE_LENGTH <= len(y) <= MAX_CANDIDATE_LENGTH:
        raise InvalidLengthError(
            f"hash set entries are {MIN_CANDIDATE_LENGTH}..{MAX_CANDIDATE_LENGTH} bytes", field="y"
        )
    return scalarmult_bytes(server_key.alpha.encoding, hash_to_group_bytes(y))


def _check_hashes(known_hashes: Sequence[bytes]) -> list[bytes]:
    unique = sorted(set(known_hashes))
    if not unique:
        raise InvalidParameterError("the hash set is empty", field="known_hashes")
    for y in unique:
        if not isinstance(y, bytes) or not MIN_CANDIDATE_LENGTH <= len(y) <= MAX_CANDIDATE_LENGTH:
            raise InvalidLengthError(
                f"hash set entries are {MIN_CANDIDATE_LENGTH}..{MAX_CANDIDATE_LENGTH} bytes",
                field="known_hashes",
            )
    return unique


def blind_hash_set(
    server_key: ServerKey,
    known_hashes: Sequence[bytes],
    *,
    epsilon: float = DEFAULT_EPSILON,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    synthetic_max: int = DEFAULT_SYNTHETIC_MAX,
    padded_associated_data_length: int = DEFAULT_PADDED_ASSOCIATED_DATA_LENGTH,
    synthetic_open_weights: Sequence[int] = (1,),
    rng: Randomness | None = None,
    progress: Callable[[int], None] | None = None,
) -> BlindedHashSet:
    """BlindHashSet: de-duplicate X, build the cuckoo table (rehashing with fresh nonces if an
    insertion drops anything), publish L and P_i = alpha * H(T[i]) for filled slots and uniform
    random elements for empty ones.

    ``progress`` is called with the number of slots just finished (insertion, then blinding).
    """
    rng = rng or os_randomness()
    if not epsilon > 0:
        raise InvalidParameterError("epsilon must be positive", field="epsilon")
    hashes = _check_hashes(known_hashes)
    table_size = math.ceil((1 + epsilon) * len(hashes))
    weights = tuple(synthetic_open_weights)
    check_params_ranges(
        table_size, max_candidates, synthetic_max, padded_associated_data_length, weights
    )
    dropped: list[int] = []
    for _ in range(MAX_REHASH_ATTEMPTS):
        nonce_1 = rng.random_bytes(NONCE_BYTES)
        nonce_2 = rng.random_bytes(NONCE_BYTES)
        slots, lost = build_cuckoo_table(
            hashes, CuckooPositions(table_size, nonce_1, nonce_2), progress
        )
        dropped.append(lost)
        if lost == 0:
            break
    else:
        raise HashSetRejectedError(
            f"cuckoo insertion dropped elements on {MAX_REHASH_ATTEMPTS} attempts; "
            "increase epsilon",
            field="epsilon",
        )
    table = _blind_slots(server_key, hashes, slots, rng, progress)
    params = ServerParams(
        table_size=table_size,
        cuckoo_nonce_1=nonce_1,
        cuckoo_nonce_2=nonce_2,
        blinding_public=server_key.blinding_public,
        max_candidates=max_candidates,
        synthetic_max=synthetic_max,
        padded_associated_data_length=padded_associated_data_length,
        synthetic_open_weights=weights,
        table_digest=table_digest(table),
    )
    report = CuckooReport(hash_count=len(hashes), attempts=len(dropped), dropped=tuple(dropped))
    return BlindedHashSet(params=params, table=table, cuckoo=report)


def _blind_slots(
    server_key: ServerKey,
    hashes: list[bytes],
    slots: list[int],
    rng: Randomness,
    progress: Callable[[int], None] | None,
) -> bytes:
    alpha = server_key.alpha.encoding
    out = bytearray(len(slots) * ELEMENT_LENGTH)
    for i, index in enumerate(slots):
        if index == EMPTY:
            element = from_uniform_bytes(rng.random_bytes(UNIFORM_LENGTH))
        else:
            element = scalarmult_bytes(alpha, hash_to_group_bytes(hashes[index]))  # BlindElement
        if element == IDENTITY_ENCODING:
            raise HashSetRejectedError("a filler element is the identity")
        out[i * ELEMENT_LENGTH : (i + 1) * ELEMENT_LENGTH] = element
        if progress is not None and i % _PROGRESS_STEP == _PROGRESS_STEP - 1:
            progress(_PROGRESS_STEP)
    if progress is not None:
        progress(len(slots) % _PROGRESS_STEP)
    if first_repeated_element(bytes(out)) is not None:
        # probability ~ n'^2 / 2^252; checked because the client will refuse such a table
        raise HashSetRejectedError("blinded table has a repeated element")
    return bytes(out)
