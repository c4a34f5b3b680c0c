"""Device side: ``VerifyBlindedHashSet`` (SPEC.md section of the same name). The device
refuses a set whose L or any P_i is invalid or the identity, whose P_i repeat, or whose table
does not match the digest its parameters commit to."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vouchsafe.sdk.crypto.group import ELEMENT_LENGTH, first_invalid_encoding, is_valid_encoding
from vouchsafe.sdk.errors import HashSetRejectedError
from vouchsafe.sdk.tpsi.params import BlindedHashSet, table_digest


def first_repeated_element(table: bytes) -> int | None:
    """The smallest index of a 32-byte element that occurs earlier in ``table`` too, or None.

    Canonical encodings are unique, so equal elements have equal bytes: the check runs on the
    raw encodings. It sorts a copy of the 64-bit prefixes (8 bytes per element, sorted in place;
    a 1M-entry set has 4.4M slots) and compares full encodings only for prefixes that occur
    more than once (about slots^2 / 2^65 of them for a random table).
    """
    count = len(table) // ELEMENT_LENGTH
    if count < 2:
        return None
    prefixes = np.frombuffer(table, dtype=np.uint64, count=4 * count)[::4]
    ordered = np.sort(prefixes)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    if not repeated.size:
        return None
    # In slot order, the first candidate whose encoding was seen before is the answer.
    seen: set[bytes] = set()
    for index in np.flatnonzero(np.isin(prefixes, repeated)).tolist():
        element = table[index * ELEMENT_LENGTH : (index + 1) * ELEMENT_LENGTH]
        if element in seen:
            return int(index)
        seen.add(element)
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
    invalid = first_invalid_encoding(table)
    if invalid is not None:
        raise HashSetRejectedError(
            f"P_{invalid} is not a valid non-identity element", field="table"
        )
    if progress is not None:
        progress(params.table_size)
    repeated = first_repeated_element(table + params.blinding_public.encoding)
    if repeated == params.table_size:
        raise HashSetRejectedError("L appears in the table", field="table")
    if repeated is not None:
        raise HashSetRejectedError(f"the table repeats an element (P_{repeated})", field="table")
