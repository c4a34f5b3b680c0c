"""Device side: ``VerifyBlindedHashSet`` (SPEC.md section of the same name). The device
refuses a set whose L or any P_i is invalid or the identity, whose P_i repeat, or whose table
does not match the digest its parameters commit to."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vouchsafe.sdk.crypto.group import ELEMENT_LENGTH, is_valid_encoding
from vouchsafe.sdk.errors import HashSetRejectedError
from vouchsafe.sdk.tpsi.params import BlindedHashSet, table_digest

_PROGRESS_STEP = 8192


def first_repeated_element(table: bytes) -> int | None:
    """The index of a 32-byte element that occurs earlier in ``table`` too, or None.

    Sorts the 64-bit prefixes (8 bytes of memory per element rather than a set of byte
    strings: a 1M-entry set has 2.2M slots) and compares full encodings only where prefixes
    collide.
    """
    count = len(table) // ELEMENT_LENGTH
    if count < 2:
        return None
    prefixes = np.frombuffer(table, dtype=">u8", count=4 * count).reshape(count, 4)[:, 0]
    order = np.argsort(prefixes, kind="stable")
    ordered = prefixes[order]
    for i in np.nonzero(ordered[1:] == ordered[:-1])[0]:
        a, b = int(order[i]), int(order[i + 1])
        first = table[a * ELEMENT_LENGTH : (a + 1) * ELEMENT_LENGTH]
        if first == table[b * ELEMENT_LENGTH : (b + 1) * ELEMENT_LENGTH]:
            return max(a, b)
    return None


def verify_blinded_hash_set(
    blinded: BlindedHashSet, progress: Callable[[int], None] | None = None
) -> None:
    """Raises HashSetRejectedError naming the field unless every check passes.

    ``progress`` is called with the number of slots just checked.
    """
    params = blinded.params
    if len(blinded.table) != params.table_size * ELEMENT_LENGTH:
        raise HashSetRejectedError(
            f"table holds {len(blinded.table)} bytes, expected {params.table_size} elements",
            field="table",
        )
    if not is_valid_encoding(params.blinding_public.encoding):
        raise HashSetRejectedError("L is not a valid element", field="blinding_public")
    if table_digest(blinded.table) != params.table_digest:
        raise HashSetRejectedError("table does not match table_digest", field="table")
    table = blinded.table
    for i in range(params.table_size):
        if not is_valid_encoding(table[i * ELEMENT_LENGTH : (i + 1) * ELEMENT_LENGTH]):
            raise HashSetRejectedError(f"P_{i} is not a valid non-identity element", field="table")
        if progress is not None and i % _PROGRESS_STEP == _PROGRESS_STEP - 1:
            progress(_PROGRESS_STEP)
    repeated = first_repeated_element(table + params.blinding_public.encoding)
    if repeated == params.table_size:
        raise HashSetRejectedError("L appears in the table", field="table")
    if repeated is not None:
        raise HashSetRejectedError(f"the table repeats an element (P_{repeated})", field="table")
    if progress is not None:
        progress(params.table_size % _PROGRESS_STEP)
