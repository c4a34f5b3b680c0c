"""HAZMAT: every domain-separation label of the project, derived from one versioned context.

One encoding for every hash, KDF, PRF and signature context (tPSI-AD, releases, PSI candidates,
request signing, provider signatures, audit log, intake, the messenger and the lab)::

    LABEL(name) = I2OSP(len(CONTEXT), 1) || CONTEXT || I2OSP(len(name), 1) || name

Both parts are length-prefixed, so no label is a prefix of another and labels of different names
never collide (``protocol/SPEC.md`` section 3.1; ``tests/crypto/test_labels.py`` checks every
pair). Changing the ciphersuite changes every label.

Inputs of more than one variable-length field are framed one way, :func:`framed`:
``LABEL(name) || lp(field_1) || ... || lp(field_k)`` with ``lp(x) = I2OSP(len(x), 4) || x``.
Every Ed25519 signature in the project signs ``framed(label, ...)`` (``sdk/crypto/ed25519.py``).

To add a label: add its name to :data:`LABEL_NAMES` (in the group of its user) and a constant
below; the tests then check it against all the others. Never build a tag anywhere else.

Hash-to-group domain-separation tags are the one exception to the binary encoding, because
RFC 9380 (section 3.1, appendix B) asks for an ASCII tag that names the application, its
version and the hash-to-curve suite: :func:`hash_to_group_dst` gives
``CIPHERSUITE || "-" || name || "-with-" || "ristretto255_XMD:SHA-512_R255MAP_RO_"``. Such a tag
starts with an ASCII letter, every binary label with the byte ``len(CONTEXT)`` (37), so the two
kinds never collide (tested).
"""

from __future__ import annotations

import struct
from typing import Final

CIPHERSUITE: Final = "vouchsafe-tpsi-ristretto255-sha512-v2"
CONTEXT: Final = CIPHERSUITE.encode("ascii")
MAX_NAME_LENGTH: Final = 64
FIELD_LENGTH_BYTES: Final = 4


def derive_label(name: str) -> bytes:
    """The label for ``name`` (ASCII, 1..64 characters) under :data:`CONTEXT`."""
    encoded = name.encode("ascii")
    if not 0 < len(encoded) <= MAX_NAME_LENGTH:
        raise ValueError(f"label names are 1..{MAX_NAME_LENGTH} ASCII characters")
    return bytes([len(CONTEXT)]) + CONTEXT + bytes([len(encoded)]) + encoded


def length_prefixed(field: bytes) -> bytes:
    """``lp(field)``: a 4-byte big-endian length, then the field."""
    return struct.pack(">I", len(field)) + field


def framed(label: bytes, *fields: bytes) -> bytes:
    """``label || lp(field_1) || ... || lp(field_k)``: the one framing of labelled inputs."""
    return label + b"".join(length_prefixed(f) for f in fields)


# RFC 9380 appendix B: the identifier hash_to_ristretto255 with expand_message_xmd(SHA-512) uses.
HASH_TO_GROUP_SUITE_ID: Final = "ristretto255_XMD:SHA-512_R255MAP_RO_"


def hash_to_group_dst(name: str) -> bytes:
    """The ASCII hash-to-group DST for ``name`` (RFC 9380 section 3.1; see module docstring)."""
    if not 0 < len(name) <= MAX_NAME_LENGTH or not name.isascii() or not name.isalnum():
        raise ValueError(f"hash-to-group names are 1..{MAX_NAME_LENGTH} ASCII letters or digits")
    return f"{CIPHERSUITE}-{name}-with-{HASH_TO_GROUP_SUITE_ID}".encode("ascii")


# The names of the hash-to-group DSTs (each used only as expand_message_xmd's DST).
HASH_TO_GROUP_DST_NAMES: Final = (
    "HashToGroup",  # SPEC section 3: HashToGroup of tPSI-AD
    "ComparePsiPerItemHashToGroup",  # vouchsafe/compare: the OPRF PSI mode's HashToGroup
)
HASH_TO_GROUP_DSTS: Final[dict[str, bytes]] = {
    name: hash_to_group_dst(name) for name in HASH_TO_GROUP_DST_NAMES
}

# The names are the spec's; the tuple is the single source the tests check.
TPSI_LABEL_NAMES: Final = (  # SPEC sections 3-8
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
)
DEVICE_LABEL_NAMES: Final = (  # sdk/client.py, sdk/media/candidates.py
    "DeviceItemId",
    "PsiCandidate",
)
RELEASE_LABEL_NAMES: Final = (  # SPEC "Releases"
    "ReleaseSignature",
    "ReleaseDigest",
    "MerkleLeaf",
    "MerkleNode",
    "MerkleRoot",
    "SourceListSignature",
    "BuildRandomness",
)
API_LABEL_NAMES: Final = (  # SPEC "Provider API" and the server's pipeline
    "KeyId",
    "RequestSignature",
    "VoucherReceipt",
    "Report",
    "AuditEntry",
    "AuditCheckpoint",
    "VoucherDigest",
    "HashSetEntryId",
    "ConsoleSignIn",
    "ConsoleMacKey",
    # The server's keyed confirmation hash (reference_server/confirmation, SPEC R.10).
    "ConfirmationProjection",
    "ConfirmationKeyId",
)
MESSENGER_LABEL_NAMES: Final = (  # reference_client/
    "MessengerKeyWrap",
    "MessengerHeader",
    "MessengerSignature",
    "SafetyNumber",
)
LAB_LABEL_NAMES: Final = (  # vectors generator and the detection-mode comparison
    "VectorDrbg",
    "CompareDpfFixedKey",
    "CompareMultiPartyPoint",
    "ComparePartialBucket",
    "ComparePsiPerItemTag",
    "CompareEnclaveMeasurement",
    "CompareEnclaveAttestation",
    "CompareSealToMatcher",
)
LABEL_NAMES: Final = (
    TPSI_LABEL_NAMES
    + DEVICE_LABEL_NAMES
    + RELEASE_LABEL_NAMES
    + API_LABEL_NAMES
    + MESSENGER_LABEL_NAMES
    + LAB_LABEL_NAMES
)

LABELS: Final[dict[str, bytes]] = {name: derive_label(name) for name in LABEL_NAMES}

# tPSI-AD
HASH_TO_GROUP: Final = HASH_TO_GROUP_DSTS["HashToGroup"]
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
# device
DEVICE_ITEM_ID: Final = LABELS["DeviceItemId"]
PSI_CANDIDATE: Final = LABELS["PsiCandidate"]
# releases
RELEASE_SIGNATURE: Final = LABELS["ReleaseSignature"]
RELEASE_DIGEST: Final = LABELS["ReleaseDigest"]
MERKLE_LEAF: Final = LABELS["MerkleLeaf"]
MERKLE_NODE: Final = LABELS["MerkleNode"]
MERKLE_ROOT: Final = LABELS["MerkleRoot"]
SOURCE_LIST_SIGNATURE: Final = LABELS["SourceListSignature"]
BUILD_RANDOMNESS: Final = LABELS["BuildRandomness"]
# provider API
KEY_ID: Final = LABELS["KeyId"]
REQUEST_SIGNATURE: Final = LABELS["RequestSignature"]
CONSOLE_SIGN_IN: Final = LABELS["ConsoleSignIn"]
CONSOLE_MAC_KEY: Final = LABELS["ConsoleMacKey"]
VOUCHER_RECEIPT: Final = LABELS["VoucherReceipt"]
REPORT: Final = LABELS["Report"]
AUDIT_ENTRY: Final = LABELS["AuditEntry"]
AUDIT_CHECKPOINT: Final = LABELS["AuditCheckpoint"]
VOUCHER_DIGEST: Final = LABELS["VoucherDigest"]
HASH_SET_ENTRY_ID: Final = LABELS["HashSetEntryId"]
# messenger
MESSENGER_KEY_WRAP: Final = LABELS["MessengerKeyWrap"]
MESSENGER_HEADER: Final = LABELS["MessengerHeader"]
MESSENGER_SIGNATURE: Final = LABELS["MessengerSignature"]
SAFETY_NUMBER: Final = LABELS["SafetyNumber"]
# lab
VECTOR_DRBG: Final = LABELS["VectorDrbg"]
COMPARE_DPF_FIXED_KEY: Final = LABELS["CompareDpfFixedKey"]
COMPARE_MULTI_PARTY_POINT: Final = LABELS["CompareMultiPartyPoint"]
COMPARE_PARTIAL_BUCKET: Final = LABELS["ComparePartialBucket"]
COMPARE_PSI_PER_ITEM_HASH_TO_GROUP: Final = HASH_TO_GROUP_DSTS["ComparePsiPerItemHashToGroup"]
COMPARE_PSI_PER_ITEM_TAG: Final = LABELS["ComparePsiPerItemTag"]
COMPARE_ENCLAVE_MEASUREMENT: Final = LABELS["CompareEnclaveMeasurement"]
COMPARE_ENCLAVE_ATTESTATION: Final = LABELS["CompareEnclaveAttestation"]
COMPARE_SEAL_TO_MATCHER: Final = LABELS["CompareSealToMatcher"]
# the keyed confirmation hash (reference_server/confirmation)
CONFIRMATION_PROJECTION: Final = LABELS["ConfirmationProjection"]
CONFIRMATION_KEY_ID: Final = LABELS["ConfirmationKeyId"]
