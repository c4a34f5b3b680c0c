"""HAZMAT: every domain-separation label of the protocol, derived from one versioned context.

Each label is ``I2OSP(len(CONTEXT), 1) || CONTEXT || I2OSP(len(name), 1) || name``: both parts are
length-prefixed, so no label is a prefix of another and labels of different names never collide
(``protocol/SPEC.md`` section "Labels"). Changing the ciphersuite changes every label.
"""

from __future__ import annotations

from typing import Final

CIPHERSUITE: Final = "vouchsafe-tpsi-ristretto255-sha512-v1"
CONTEXT: Final = CIPHERSUITE.encode("ascii")


def derive_label(name: str) -> bytes:
    """The label for ``name`` (ASCII, 1..64 characters) under :data:`CONTEXT`."""
    encoded = name.encode("ascii")
    if not 0 < len(encoded) <= 64:
        raise ValueError("label names are 1..64 ASCII characters")
    return bytes([len(CONTEXT)]) + CONTEXT + bytes([len(encoded)]) + encoded


# The names below are the spec's; the dictionary is the single source the tests check.
LABEL_NAMES: Final = (
    "HashToGroup",
    "CuckooPosition1",
    "CuckooPosition2",
    "TableDigest",
    "ParamsDigest",
    "VoucherId",
    "AccountSecret",
    "ShamirCoefficient",
    "AssociatedDataKey",
    "ItemKey",
    "DetectableHashKey",
    "ShareX",
    "SyntheticCoin",
    "SyntheticShareX",
    "SyntheticShareY",
    "SyntheticDhf",
    "HalfKey",
    "HalfCiphertext",
    "InnerCiphertext",
    "AssociatedDataCiphertext",
    # The server's keyed confirmation hash (reference_server/confirmation, SPEC "Confirmation").
    "ConfirmationProjection",
    "ConfirmationKeyId",
)

LABELS: Final[dict[str, bytes]] = {name: derive_label(name) for name in LABEL_NAMES}

HASH_TO_GROUP: Final = LABELS["HashToGroup"]
CUCKOO_POSITION_1: Final = LABELS["CuckooPosition1"]
CUCKOO_POSITION_2: Final = LABELS["CuckooPosition2"]
TABLE_DIGEST: Final = LABELS["TableDigest"]
PARAMS_DIGEST: Final = LABELS["ParamsDigest"]
VOUCHER_ID: Final = LABELS["VoucherId"]
ACCOUNT_SECRET: Final = LABELS["AccountSecret"]
SHAMIR_COEFFICIENT: Final = LABELS["ShamirCoefficient"]
ASSOCIATED_DATA_KEY: Final = LABELS["AssociatedDataKey"]
ITEM_KEY: Final = LABELS["ItemKey"]
DETECTABLE_HASH_KEY: Final = LABELS["DetectableHashKey"]
SHARE_X: Final = LABELS["ShareX"]
SYNTHETIC_COIN: Final = LABELS["SyntheticCoin"]
SYNTHETIC_SHARE_X: Final = LABELS["SyntheticShareX"]
SYNTHETIC_SHARE_Y: Final = LABELS["SyntheticShareY"]
SYNTHETIC_DHF: Final = LABELS["SyntheticDhf"]
HALF_KEY: Final = LABELS["HalfKey"]
HALF_CIPHERTEXT: Final = LABELS["HalfCiphertext"]
INNER_CIPHERTEXT: Final = LABELS["InnerCiphertext"]
ASSOCIATED_DATA_CIPHERTEXT: Final = LABELS["AssociatedDataCiphertext"]
CONFIRMATION_PROJECTION: Final = LABELS["ConfirmationProjection"]
CONFIRMATION_KEY_ID: Final = LABELS["ConfirmationKeyId"]
