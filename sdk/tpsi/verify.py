"""Device side: ``VerifyBlindedHashSet`` (SPEC.md section of the same name). The device
refuses a set whose L or any P_i is invalid or the identity, whose P_i repeat, or whose table
does not match the digest its parameters commit to."""

from __future__ import annotations

from collections.abc import Callable

from sdk.crypto.group import ELEMENT_LENGTH, is_valid_encoding
from sdk.errors import HashSetRejectedError
from sdk.tpsi.params import BlindedHashSet, table_digest

_PROGRESS_STEP = 8192


def verify_blinded_hash_set(
    blinded: BlindedHashSet, progress: Callable[[int], None] | None = None
) -> None:
    """Raises HashSetRejectedError naming the field unless every check passes."""
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
    seen: set[bytes] = set()
    table = blinded.table
    for i in range(params.table_size):
        element = table[i * ELEMENT_LENGTH : (i + 1) * ELEMENT_LENGTH]
        if not is_valid_encoding(element):
            raise HashSetRejectedError(f"P_{i} is not a valid non-identity element", field="table")
        seen.add(element)
        if progress is not None and i % _PROGRESS_STEP == _PROGRESS_STEP - 1:
            progress(_PROGRESS_STEP)
    if len(seen) != params.table_size:
        raise HashSetRejectedError("the table repeats an element", field="table")
    if params.blinding_public.encoding in seen:
        raise HashSetRejectedError("L appears in the table", field="table")
    if progress is not None:
        progress(params.table_size % _PROGRESS_STEP)
