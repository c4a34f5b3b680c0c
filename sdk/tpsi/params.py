"""Configuration constants and the server-side objects of tPSI-AD (SPEC.md sections
"Parameters", "ServerKey", "ServerParams", "BlindedHashSet")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Final

from vouchsafe.sdk.crypto.aead import COMMITMENT_LENGTH, NONCE_LENGTH, TAG_LENGTH
from vouchsafe.sdk.crypto.group import ELEMENT_LENGTH, Element, Scalar
from vouchsafe.sdk.crypto.labels import CIPHERSUITE, PARAMS_DIGEST, TABLE_DIGEST
from vouchsafe.sdk.errors import ParamsMismatchError

__all__ = [
    "CIPHERSUITE",
    "VERSION",
    "BlindedHashSet",
    "CuckooReport",
    "ServerKey",
    "ServerParams",
    "check_account_compatible",
]

VERSION: Final = 2
DIGEST_LENGTH: Final = 32
NONCE_BYTES: Final = 32
# Cuckoo table slack: n' = ceil((1 + eps) n). Two-choice cuckoo hashing with one element per
# slot needs load n/n' < 1/2 (Pagh & Rodler 2004); eps = 1.2 gives load 0.45 and inserted
# 1M random hashes with no drop in tests/tpsi/test_cuckoo.py (slow).
DEFAULT_EPSILON: Final = 1.2
DEFAULT_MAX_CANDIDATES: Final = 4
DEFAULT_SYNTHETIC_MAX: Final = 512
DEFAULT_PADDED_ASSOCIATED_DATA_LENGTH: Final = 8192
DEFAULT_SYNTHETIC_OPEN_WEIGHTS: Final = (1,)
# Largest release budget (SPEC "PSI candidates": max_candidates 16..256).
MAX_MAX_CANDIDATES: Final = 256
MAX_SYNTHETIC_MAX: Final = 1020
MAX_PADDED_ASSOCIATED_DATA_LENGTH: Final = 1 << 20
MIN_CANDIDATE_LENGTH: Final = 8
MAX_CANDIDATE_LENGTH: Final = 1024
MAX_ITEM_ID_LENGTH: Final = 255
MIN_THRESHOLD: Final = 2
MAX_THRESHOLD: Final = 1000
# Detectable-hash field: the largest 64-bit prime (paper section 4.3 uses a 64-bit field).
DHF_PRIME: Final = 2**64 - 59
DHF_ELEMENT_LENGTH: Final = 8
HALF_CIPHERTEXT_LENGTH: Final = COMMITMENT_LENGTH + 32 + TAG_LENGTH
HALF_LENGTH: Final = ELEMENT_LENGTH + HALF_CIPHERTEXT_LENGTH


def adct_length(padded_associated_data_length: int) -> int:
    """Length of the associated-data ciphertext: nonce || Seal(pad(item_id, ad))."""
    return NONCE_LENGTH + padded_associated_data_length + TAG_LENGTH


def inner_plaintext_length(synthetic_max: int, padded_associated_data_length: int) -> int:
    """Length of the inner plaintext: t (2) || x (32) || y (32) || r (8 s_max) || adct."""
    return (
        2
        + 32
        + 32
        + DHF_ELEMENT_LENGTH * synthetic_max
        + adct_length(padded_associated_data_length)
    )


@dataclass(frozen=True, slots=True)
class ServerKey:
    """The server's secret blinding scalar alpha (non-zero). Prints redacted."""

    alpha: Scalar = field(repr=False)

    def __repr__(self) -> str:
        return "ServerKey(alpha=<redacted>)"

    @property
    def blinding_public(self) -> Element:
        """L = alpha * G."""
        return Element.base_mult(self.alpha)


@dataclass(frozen=True, slots=True)
class ServerParams:
    """Everything public a device needs besides the table (SPEC.md "ServerParams")."""

    table_size: int
    cuckoo_nonce_1: bytes
    cuckoo_nonce_2: bytes
    blinding_public: Element
    max_candidates: int
    synthetic_max: int
    padded_associated_data_length: int
    synthetic_open_weights: tuple[int, ...]
    table_digest: bytes
    ciphersuite: str = CIPHERSUITE
    version: int = VERSION
    _digest: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_digest", self._compute_digest())

    @property
    def halves_per_voucher(self) -> int:
        """2 * max_candidates: every voucher of this configuration has this many halves."""
        return 2 * self.max_candidates

    @property
    def rct_length(self) -> int:
        """Length of every voucher's inner ciphertext."""
        return (
            inner_plaintext_length(self.synthetic_max, self.padded_associated_data_length)
            + TAG_LENGTH
        )

    @property
    def params_digest(self) -> bytes:
        """ParamsDigest: SHA-512 over every field (fixed-width), truncated to 32 bytes."""
        return self._digest

    def _compute_digest(self) -> bytes:
        h = hashlib.sha512(PARAMS_DIGEST)
        suite = self.ciphersuite.encode("ascii")
        h.update(len(suite).to_bytes(2, "big") + suite)
        h.update(self.version.to_bytes(4, "big"))
        h.update(self.table_size.to_bytes(8, "big"))
        h.update(self.cuckoo_nonce_1 + self.cuckoo_nonce_2 + self.blinding_public.encoding)
        h.update(self.max_candidates.to_bytes(4, "big"))
        h.update(self.synthetic_max.to_bytes(4, "big"))
        h.update(self.padded_associated_data_length.to_bytes(4, "big"))
        h.update(len(self.synthetic_open_weights).to_bytes(4, "big"))
        for w in self.synthetic_open_weights:
            h.update(w.to_bytes(4, "big"))
        h.update(self.table_digest)
        return h.digest()[:DIGEST_LENGTH]


# The ServerParams fields an account's keys and inner layer depend on (SPEC.md section 6.3):
# releases that agree on these are *account-compatible*; the rest (table, nonces, L, K, C,
# weights) only shape the outer layer or are checked per voucher against its own release.
ACCOUNT_COMPATIBILITY_FIELDS: Final = ("ciphersuite", "version", "synthetic_max")


def check_account_compatible(reference: ServerParams, other: ServerParams) -> None:
    """Raises ParamsMismatchError naming the first field (ciphersuite, version, synthetic_max)
    on which ``other`` differs from ``reference``; account keys and shares made for one are
    then valid for the other (SPEC.md section 6.3)."""
    for name in ACCOUNT_COMPATIBILITY_FIELDS:
        if getattr(reference, name) != getattr(other, name):
            raise ParamsMismatchError(
                f"the releases differ in {name} ({getattr(reference, name)!r} vs "
                f"{getattr(other, name)!r}), so accounts and shares do not carry over",
                field=name,
            )


def table_digest(table: bytes) -> bytes:
    """TableDigest: SHA-512(label || table) truncated to 32 bytes (the table is not copied)."""
    h = hashlib.sha512(TABLE_DIGEST)
    h.update(table)
    return h.digest()[:DIGEST_LENGTH]


@dataclass(frozen=True, slots=True)
class CuckooReport:
    """How the server's cuckoo insertion went: ``dropped[i]`` elements were left out on
    attempt i; the published table is the last attempt, which dropped none."""

    hash_count: int
    attempts: int
    dropped: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BlindedHashSet:
    """ServerParams plus the table P_0 .. P_{n'-1} (``table`` is the concatenation of the
    32-byte encodings; every one is a valid, non-identity, distinct element)."""

    params: ServerParams
    table: bytes = field(repr=False)
    cuckoo: CuckooReport | None = None

    def element(self, index: int) -> bytes:
        """The encoding of P_index."""
        start = index * ELEMENT_LENGTH
        return self.table[start : start + ELEMENT_LENGTH]

    def __repr__(self) -> str:
        return f"BlindedHashSet(table_size={self.params.table_size}, cuckoo={self.cuckoo!r})"
