"""Server setup: ``GenerateServerKeys`` and ``BlindHashSet`` (SPEC.md sections of the same
names)."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future

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
    DEFAULT_SYNTHETIC_OPEN_WEIGHTS,
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
# Slots per batch handed to one worker: large enough that sending a batch costs little next to
# its scalar multiplications, small enough that progress is fine-grained.
BLIND_BATCH_SLOTS = 4096
# Batches submitted to an executor and not yet collected (bounds the build's memory).
_BATCHES_IN_FLIGHT = 16


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
    synthetic_open_weights: Sequence[int] = DEFAULT_SYNTHETIC_OPEN_WEIGHTS,
    rng: Randomness | None = None,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> BlindedHashSet:
    """BlindHashSet: de-duplicate X, build the cuckoo table (rehashing with fresh nonces if an
    insertion drops anything), publish L and P_i = alpha * H(T[i]) for filled slots and uniform
    random elements for empty ones.

    ``progress`` is called with the number of slots just finished (insertion, then blinding).
    With an ``executor`` (e.g. a process pool), the slots are blinded in batches of
    :data:`BLIND_BATCH_SLOTS` on its workers; the filler randomness is still drawn from ``rng``
    here, in slot order, so the table is byte for byte the one built without an executor.
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
            hashes, CuckooPositions(table_size, nonce_1, nonce_2), progress, executor
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
    table = _blind_slots(server_key, hashes, slots, rng, progress, executor)
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


_FILLER_TAG = b"\x01"
_ENTRY_TAG = b"\x00"


def blind_slot_batch(alpha: bytes, batch: Sequence[bytes]) -> bytes:
    """The elements of one batch of slots (picklable, so it runs on worker processes).

    Each input is tagged: ``0x01 || u`` is an empty slot with 64 bytes of filler randomness
    ``u`` (``RandomElement``: the one-way map of ``u``), ``0x00 || y`` a filled slot holding the
    entry ``y`` (``BlindElement``: ``alpha * HashToGroup(y)``).
    """
    out = bytearray(len(batch) * ELEMENT_LENGTH)
    for i, item in enumerate(batch):
        if item[:1] == _FILLER_TAG:
            element = from_uniform_bytes(item[1:])
            if element == IDENTITY_ENCODING:
                raise HashSetRejectedError("a filler element is the identity")
        else:
            element = scalarmult_bytes(alpha, hash_to_group_bytes(item[1:]))
        out[i * ELEMENT_LENGTH : (i + 1) * ELEMENT_LENGTH] = element
    return bytes(out)


def _slot_batches(
    hashes: list[bytes], slots: list[int], rng: Randomness
) -> Iterator[list[bytes]]:
    """Tagged slot inputs in batches, in slot order; filler randomness is drawn from ``rng`` in
    slot order, one draw per empty slot, exactly as a slot-by-slot build draws it."""
    draw = rng.random_bytes
    for start in range(0, len(slots), BLIND_BATCH_SLOTS):
        yield [
            _FILLER_TAG + draw(UNIFORM_LENGTH) if index == EMPTY else _ENTRY_TAG + hashes[index]
            for index in slots[start : start + BLIND_BATCH_SLOTS]
        ]


def _blind_slots(
    server_key: ServerKey,
    hashes: list[bytes],
    slots: list[int],
    rng: Randomness,
    progress: Callable[[int], None] | None,
    executor: Executor | None = None,
) -> bytes:
    alpha = server_key.alpha.encoding
    out = bytearray()
    batches = _slot_batches(hashes, slots, rng)
    if executor is None:
        for batch in batches:
            out += blind_slot_batch(alpha, batch)
            if progress is not None:
                progress(len(batch))
    else:
        # A bounded number of batches in flight keeps memory flat; results are joined in order.
        pending: deque[tuple[int, Future[bytes]]] = deque()
        for batch in batches:
            pending.append((len(batch), executor.submit(blind_slot_batch, alpha, batch)))
            while len(pending) >= _BATCHES_IN_FLIGHT:
                out += _finish(pending, progress)
        while pending:
            out += _finish(pending, progress)
    table = bytes(out)
    del out
    if first_repeated_element(table) is not None:
        # probability ~ n'^2 / 2^252; checked because the client will refuse such a table
        raise HashSetRejectedError("blinded table has a repeated element")
    return table


def _finish(
    pending: deque[tuple[int, Future[bytes]]], progress: Callable[[int], None] | None
) -> bytes:
    size, future = pending.popleft()
    elements = future.result()
    if progress is not None:
        progress(size)
    return elements
