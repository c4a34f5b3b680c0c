"""Range checks on configuration values shared by setup and wire decoding."""

from __future__ import annotations

from vouchsafe.sdk.errors import InvalidParameterError
from vouchsafe.sdk.tpsi.params import (
    MAX_MAX_CANDIDATES,
    MAX_PADDED_ASSOCIATED_DATA_LENGTH,
    MAX_SYNTHETIC_MAX,
)

MAX_TABLE_SIZE = 1 << 32


def check_params_ranges(
    table_size: int,
    max_candidates: int,
    synthetic_max: int,
    padded_associated_data_length: int,
    synthetic_open_weights: tuple[int, ...],
) -> None:
    """Raises InvalidParameterError naming the first field outside its allowed range."""
    if not 2 <= table_size <= MAX_TABLE_SIZE:
        raise InvalidParameterError(f"table_size must be 2..{MAX_TABLE_SIZE}", field="table_size")
    if not 1 <= max_candidates <= MAX_MAX_CANDIDATES:
        raise InvalidParameterError(
            f"max_candidates must be 1..{MAX_MAX_CANDIDATES}", field="max_candidates"
        )
    if not 1 <= synthetic_max <= MAX_SYNTHETIC_MAX:
        raise InvalidParameterError(
            f"synthetic_max must be 1..{MAX_SYNTHETIC_MAX}", field="synthetic_max"
        )
    if not 5 <= padded_associated_data_length <= MAX_PADDED_ASSOCIATED_DATA_LENGTH:
        raise InvalidParameterError(
            f"padded_associated_data_length must be 5..{MAX_PADDED_ASSOCIATED_DATA_LENGTH}",
            field="padded_associated_data_length",
        )
    if (
        not 1 <= len(synthetic_open_weights) <= max_candidates
        or any(not 0 <= w < 1 << 16 for w in synthetic_open_weights)
        or sum(synthetic_open_weights) == 0
    ):
        raise InvalidParameterError(
            "synthetic_open_weights: 1..max_candidates weights in 0..65535, not all zero",
            field="synthetic_open_weights",
        )
