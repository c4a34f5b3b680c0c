"""Conversion between the protocol's dataclasses and the protobuf messages of
``protocol/tpsi.proto`` (SPEC.md section "Wire format").

Decoding is strict and happens once, here: the bytes must be the canonical encoding (no
unknown fields, no trailing or repeated fields, nothing truncated), the ciphersuite and version
must be ours, and every length, point and range is checked. Failures raise the typed errors of
``vouchsafe.sdk.errors`` naming the offending field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

import numpy as np
from google.protobuf.message import Message

from vouchsafe.protocol import tpsi_pb2
from vouchsafe.sdk.crypto.group import ELEMENT_LENGTH, Element, Scalar, is_valid_encoding
from vouchsafe.sdk.crypto.labels import VOUCHER_ID
from vouchsafe.sdk.crypto.shamir import SHARE_ELEMENT_LENGTH, SHARE_PRIME
from vouchsafe.sdk.decoding import check_length, decode_canonical
from vouchsafe.sdk.errors import (
    InvalidLengthError,
    InvalidParameterError,
    InvalidPointError,
    InvalidScalarError,
    MalformedMessageError,
    ParamsMismatchError,
    UnsupportedCiphersuiteError,
)
from vouchsafe.sdk.tpsi.lanes import all_reduced, decode_lanes, encode_lanes
from vouchsafe.sdk.tpsi.messages import OpenedVoucher, SafetyVoucher, VoucherHalf
from vouchsafe.sdk.tpsi.params import (
    CIPHERSUITE,
    DHF_ELEMENT_LENGTH,
    DIGEST_LENGTH,
    HALF_CIPHERTEXT_LENGTH,
    MAX_SYNTHETIC_MAX,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    NONCE_BYTES,
    VERSION,
    BlindedHashSet,
    ServerKey,
    ServerParams,
)
from vouchsafe.sdk.tpsi.validation import check_params_ranges
from vouchsafe.sdk.tpsi.verify import verify_blinded_hash_set

M = TypeVar("M", bound=Message)


def _parse(cls: type[M], data: bytes, name: str) -> M:
    return decode_canonical(cls, data, field=name, what=name)


def _check_suite(ciphersuite: str, version: int, name: str) -> None:
    if ciphersuite != CIPHERSUITE:
        raise UnsupportedCiphersuiteError(
            f"unsupported ciphersuite {ciphersuite!r}; this library implements {CIPHERSUITE!r}",
            field=f"{name}.ciphersuite",
        )
    if version != VERSION:
        raise UnsupportedCiphersuiteError(
            f"unsupported format version {version}; this library implements {VERSION}",
            field=f"{name}.version",
        )


# --- ServerParams / BlindedHashSet ---------------------------------------------------------


def _params_to_proto(params: ServerParams) -> tpsi_pb2.ServerParams:
    return tpsi_pb2.ServerParams(
        ciphersuite=params.ciphersuite,
        version=params.version,
        table_size=params.table_size,
        cuckoo_nonce_1=params.cuckoo_nonce_1,
        cuckoo_nonce_2=params.cuckoo_nonce_2,
        blinding_public=params.blinding_public.encoding,
        max_candidates=params.max_candidates,
        synthetic_max=params.synthetic_max,
        padded_associated_data_length=params.padded_associated_data_length,
        synthetic_open_weights=list(params.synthetic_open_weights),
        table_digest=params.table_digest,
    )


def _params_from_proto(m: tpsi_pb2.ServerParams) -> ServerParams:
    _check_suite(m.ciphersuite, m.version, "params")
    weights = tuple(m.synthetic_open_weights)
    check_params_ranges(
        m.table_size, m.max_candidates, m.synthetic_max, m.padded_associated_data_length, weights
    )
    return ServerParams(
        table_size=m.table_size,
        cuckoo_nonce_1=check_length(m.cuckoo_nonce_1, NONCE_BYTES, "params.cuckoo_nonce_1"),
        cuckoo_nonce_2=check_length(m.cuckoo_nonce_2, NONCE_BYTES, "params.cuckoo_nonce_2"),
        blinding_public=Element.from_bytes(m.blinding_public, field="params.blinding_public"),
        max_candidates=m.max_candidates,
        synthetic_max=m.synthetic_max,
        padded_associated_data_length=m.padded_associated_data_length,
        synthetic_open_weights=weights,
        table_digest=check_length(m.table_digest, DIGEST_LENGTH, "params.table_digest"),
    )


def encode_server_params(params: ServerParams) -> bytes:
    """The canonical ServerParams encoding."""
    return _params_to_proto(params).SerializeToString(deterministic=True)


def decode_server_params(data: bytes) -> ServerParams:
    """Strict ServerParams decoder."""
    return _params_from_proto(_parse(tpsi_pb2.ServerParams, data, "params"))


def encode_blinded_hash_set(blinded: BlindedHashSet) -> bytes:
    """The canonical BlindedHashSet encoding (the cuckoo report stays on the server)."""
    message = tpsi_pb2.BlindedHashSet(params=_params_to_proto(blinded.params), table=blinded.table)
    return message.SerializeToString(deterministic=True)


def decode_blinded_hash_set(
    data: bytes, progress: Callable[[int], None] | None = None
) -> BlindedHashSet:
    """Strict decoder that also runs VerifyBlindedHashSet (the device refuses a bad set)."""
    message = _parse(tpsi_pb2.BlindedHashSet, data, "blinded_hash_set")
    if not message.HasField("params"):
        raise MalformedMessageError("blinded_hash_set has no params", field="params")
    blinded = BlindedHashSet(params=_params_from_proto(message.params), table=message.table)
    verify_blinded_hash_set(blinded, progress)
    return blinded


# --- ServerKey -------------------------------------------------------------------------------


def encode_server_key(key: ServerKey) -> bytes:
    """The ServerKey file format (secret: store it as such)."""
    message = tpsi_pb2.ServerKey(ciphersuite=CIPHERSUITE, version=VERSION, alpha=key.alpha.encoding)
    return message.SerializeToString(deterministic=True)


def decode_server_key(data: bytes) -> ServerKey:
    """Strict ServerKey decoder: alpha canonical and non-zero."""
    message = _parse(tpsi_pb2.ServerKey, data, "server_key")
    _check_suite(message.ciphersuite, message.version, "server_key")
    return ServerKey(alpha=Scalar.from_bytes(message.alpha, field="server_key.alpha"))


# --- SafetyVoucher ---------------------------------------------------------------------------


def _voucher_to_proto(voucher: SafetyVoucher) -> tpsi_pb2.SafetyVoucher:
    return tpsi_pb2.SafetyVoucher(
        ciphersuite=voucher.ciphersuite,
        version=voucher.version,
        params_digest=voucher.params_digest,
        halves=[tpsi_pb2.VoucherHalf(q=h.q, ct=h.ct) for h in voucher.halves],
        rct=voucher.rct,
    )


def encode_safety_voucher(voucher: SafetyVoucher) -> bytes:
    """The canonical SafetyVoucher encoding."""
    return _voucher_to_proto(voucher).SerializeToString(deterministic=True)


def decode_safety_voucher(data: bytes, params: ServerParams | None = None) -> SafetyVoucher:
    """Strict SafetyVoucher decoder. With ``params`` it also checks the voucher was made for
    them (digest, number of halves, inner ciphertext length)."""
    m = _parse(tpsi_pb2.SafetyVoucher, data, "voucher")
    _check_suite(m.ciphersuite, m.version, "voucher")
    digest = check_length(m.params_digest, DIGEST_LENGTH, "voucher.params_digest")
    halves = []
    for i, half in enumerate(m.halves):
        if len(half.q) != ELEMENT_LENGTH:
            raise InvalidLengthError(
                f"Q must be {ELEMENT_LENGTH} bytes", field=f"voucher.halves[{i}].q"
            )
        if not is_valid_encoding(half.q):
            raise InvalidPointError(
                "Q is not a canonical non-identity element", field=f"voucher.halves[{i}].q"
            )
        check_length(half.ct, HALF_CIPHERTEXT_LENGTH, f"voucher.halves[{i}].ct")
        halves.append(VoucherHalf(q=half.q, ct=half.ct))
    if not halves:
        raise InvalidLengthError("a voucher has at least one half", field="voucher.halves")
    voucher = SafetyVoucher(params_digest=digest, halves=tuple(halves), rct=m.rct)
    if params is not None:
        check_voucher_shape(voucher, params)
    return voucher


def check_voucher_shape(voucher: SafetyVoucher, params: ServerParams) -> None:
    """Raises unless the voucher has this configuration's digest, half count and length."""
    if voucher.params_digest != params.params_digest:
        raise ParamsMismatchError(
            "voucher was made for other server parameters", field="voucher.params_digest"
        )
    if len(voucher.halves) != params.halves_per_voucher:
        raise InvalidLengthError(
            f"voucher must have {params.halves_per_voucher} halves, got {len(voucher.halves)}",
            field="voucher.halves",
        )
    for i, half in enumerate(voucher.halves):
        check_length(half.q, ELEMENT_LENGTH, f"voucher.halves[{i}].q")
        check_length(half.ct, HALF_CIPHERTEXT_LENGTH, f"voucher.halves[{i}].ct")
    check_length(voucher.rct, params.rct_length, "voucher.rct")


def voucher_id(voucher: SafetyVoucher) -> bytes:
    """VoucherId = SHA-512(VoucherId label || canonical encoding)[0:32]: the idempotency key."""
    return voucher_id_from_bytes(encode_safety_voucher(voucher))


def voucher_id_from_bytes(encoded: bytes) -> bytes:
    """VoucherId of an already-encoded (canonical) voucher."""
    return hashlib.sha512(VOUCHER_ID + encoded).digest()[:DIGEST_LENGTH]


# --- OpenedVoucher ---------------------------------------------------------------------------


def encode_opened_voucher(opened: OpenedVoucher) -> bytes:
    """The canonical OpenedVoucher encoding, for server storage."""
    message = tpsi_pb2.OpenedVoucher(
        ciphersuite=opened.ciphersuite,
        version=opened.version,
        voucher_id=opened.voucher_id,
        params_digest=opened.params_digest,
        threshold=opened.threshold,
        item_tag=opened.item_tag,
        share_y=opened.share_y,
        dhf_value=encode_lanes(np.array(opened.dhf_value, dtype=np.uint64)),
        adct=opened.adct,
    )
    return message.SerializeToString(deterministic=True)


def decode_opened_voucher(data: bytes) -> OpenedVoucher:
    """Strict OpenedVoucher decoder (ranges of threshold, x, y and DHF values checked)."""
    m = _parse(tpsi_pb2.OpenedVoucher, data, "opened_voucher")
    _check_suite(m.ciphersuite, m.version, "opened_voucher")
    if not MIN_THRESHOLD <= m.threshold <= MAX_THRESHOLD:
        raise InvalidParameterError("threshold out of range", field="opened_voucher.threshold")
    tag = check_length(m.item_tag, SHARE_ELEMENT_LENGTH, "opened_voucher.item_tag")
    share_y = check_length(m.share_y, SHARE_ELEMENT_LENGTH, "opened_voucher.share_y")
    if not 0 < int.from_bytes(tag, "big") < SHARE_PRIME:
        raise InvalidScalarError("item_tag out of range", field="opened_voucher.item_tag")
    if int.from_bytes(share_y, "big") >= SHARE_PRIME:
        raise InvalidScalarError("share_y out of range", field="opened_voucher.share_y")
    raw = m.dhf_value
    if (
        not raw
        or len(raw) % DHF_ELEMENT_LENGTH
        or len(raw) > DHF_ELEMENT_LENGTH * MAX_SYNTHETIC_MAX
    ):
        raise InvalidLengthError("dhf_value length", field="opened_voucher.dhf_value")
    values = decode_lanes(raw, len(raw) // DHF_ELEMENT_LENGTH)
    if not all_reduced(values):
        raise InvalidScalarError("dhf_value out of range", field="opened_voucher.dhf_value")
    return OpenedVoucher(
        voucher_id=check_length(m.voucher_id, DIGEST_LENGTH, "opened_voucher.voucher_id"),
        params_digest=check_length(m.params_digest, DIGEST_LENGTH, "opened_voucher.params_digest"),
        threshold=m.threshold,
        item_tag=tag,
        share_y=share_y,
        dhf_value=tuple(values.tolist()),
        adct=m.adct,
    )
