"""The individual checks of VerifyRelease (``protocol/SPEC.md``, "Releases", R.6).

Each raises its own :class:`~vouchsafe.sdk.errors.ReleaseError`; :mod:`vouchsafe.sdk.release` runs
them in the
specified order and holds the release in use.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt
from google.protobuf.message import DecodeError

from vouchsafe.protocol import release_pb2
from vouchsafe.sdk.crypto import ed25519, group, labels
from vouchsafe.sdk.errors import (
    ReleaseChainBroken,
    ReleaseDuplicateElement,
    ReleaseEquivocation,
    ReleaseIdentityElement,
    ReleaseInvalidElement,
    ReleaseMalformed,
    ReleaseParamsMismatch,
    ReleaseRollback,
    ReleaseSignatureInvalid,
    ReleaseUnsupported,
    VouchsafeError,
)
from vouchsafe.sdk.release_commitment import DIGEST_SIZE, ROOT_SIZE
from vouchsafe.sdk.tpsi.params import CIPHERSUITE, ServerParams, table_digest
from vouchsafe.sdk.tpsi.wire import decode_server_params

RELEASE_FORMAT_VERSION = 1
SIGNATURE_SCHEME = "ed25519"
ELEMENT_SIZE = group.ELEMENT_LENGTH
# Ciphersuites whose tables this SDK can use; named by the protocol core (SPEC.md).
SUPPORTED_CIPHERSUITES = frozenset({CIPHERSUITE})
# Upper bound on table slots a device accepts (a 1M-entry hash set needs far fewer).
MAX_SLOT_COUNT = 1 << 24


_M = TypeVar("_M", release_pb2.Release, release_pb2.ReleaseDelta)


def decode_message(message: _M, data: bytes, what: str) -> _M:
    try:
        message.ParseFromString(data)
    except DecodeError:
        raise ReleaseMalformed(f"the {what} is not a well-formed protobuf message") from None
    # Re-encoding must give back exactly the bytes received: no unknown fields, no padding,
    # no non-canonical varints, no trailing data.
    if message.SerializeToString(deterministic=True) != data:
        raise ReleaseMalformed(f"the {what} is not in canonical encoding or has unknown fields")
    return message


def verify_header(
    header_bytes: bytes, scheme: str, signature: bytes, release_key: bytes
) -> release_pb2.ReleaseHeader:
    if scheme != SIGNATURE_SCHEME:
        raise ReleaseUnsupported(
            f"signature scheme {scheme!r} is not supported", field="signature_scheme"
        )
    if not ed25519.verify(release_key, signature, labels.RELEASE_SIGNATURE, header_bytes):
        raise ReleaseSignatureInvalid(
            "the release signature does not verify against the pinned release key",
            field="signature",
        )
    header = release_pb2.ReleaseHeader()
    try:
        header.ParseFromString(header_bytes)
    except DecodeError:
        raise ReleaseMalformed("the signed header is not well formed", field="header") from None
    if header.format_version != RELEASE_FORMAT_VERSION:
        raise ReleaseUnsupported(
            f"release format version {header.format_version} is not supported",
            field="format_version",
        )
    if header.ciphersuite not in SUPPORTED_CIPHERSUITES:
        raise ReleaseUnsupported(
            f"ciphersuite {header.ciphersuite!r} is not supported", field="ciphersuite"
        )
    if header.element_size != ELEMENT_SIZE:
        raise ReleaseUnsupported(
            f"element size {header.element_size} is not {ELEMENT_SIZE}", field="element_size"
        )
    if not 0 < header.slot_count <= MAX_SLOT_COUNT:
        raise ReleaseMalformed(f"slot count {header.slot_count} out of range", field="slot_count")
    if len(header.root) != ROOT_SIZE:
        raise ReleaseMalformed("the root must be 32 bytes", field="root")
    if len(header.previous_release_digest) not in (0, DIGEST_SIZE):
        raise ReleaseMalformed(
            "the previous release digest must be empty or 32 bytes",
            field="previous_release_digest",
        )
    return header


def check_against_held(
    header: release_pb2.ReleaseHeader, digest: bytes, held_version: int, held_digest: bytes
) -> None:
    """Rollback, equivocation and chain checks against the release in use."""
    if header.version < held_version:
        raise ReleaseRollback(
            f"release version {header.version} is older than the release in use ({held_version})",
            field="version",
        )
    if header.version == held_version and digest != held_digest:
        raise ReleaseEquivocation(
            f"a different release with the version in use ({held_version})", field="version"
        )
    if header.version == held_version + 1 and header.previous_release_digest != held_digest:
        raise ReleaseChainBroken(
            "the next release does not name the release in use as its predecessor",
            field="previous_release_digest",
        )


def _as_rows(table: bytes, element_size: int) -> npt.NDArray[np.uint64]:
    return np.frombuffer(table, dtype=np.uint64).reshape(-1, element_size // 8)


def check_elements(table: bytes, element_size: int = ELEMENT_SIZE) -> None:
    """Raises unless every slot is a canonical, non-identity element and all are distinct.

    Distinctness is checked by sorting (32 bytes + 8 bytes per slot of extra memory), not with
    a set of a million Python objects.
    """
    for slot in range(len(table) // element_size):
        element = table[slot * element_size : (slot + 1) * element_size]
        if element == group.IDENTITY_ENCODING:
            raise ReleaseIdentityElement(f"table slot {slot} holds the identity", field="table")
        if not group.is_valid_encoding(element):
            raise ReleaseInvalidElement(
                f"table slot {slot} is not a valid ristretto255 element", field="table"
            )
    rows = _as_rows(table, element_size)
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    repeats = np.flatnonzero(np.all(ordered[1:] == ordered[:-1], axis=1))
    if repeats.size:
        slot = int(max(order[repeats[0]], order[repeats[0] + 1]))
        raise ReleaseDuplicateElement(f"table slot {slot} repeats another slot", field="table")


def check_params(header: release_pb2.ReleaseHeader, table: bytes) -> ServerParams:
    """Decodes the protocol parameters; raises unless they describe exactly this table."""
    try:
        params = decode_server_params(header.server_params)
    except VouchsafeError:
        raise ReleaseParamsMismatch(
            "the protocol parameters do not decode", field="server_params"
        ) from None
    if params.ciphersuite != header.ciphersuite:
        raise ReleaseParamsMismatch("parameters name another ciphersuite", field="ciphersuite")
    if params.table_size != header.slot_count or params.table_digest != table_digest(table):
        raise ReleaseParamsMismatch(
            "the parameters do not commit to this table", field="server_params"
        )
    blinding_public = params.blinding_public.encoding
    in_table = bool(
        np.any(np.all(_as_rows(table, ELEMENT_SIZE) == _as_rows(blinding_public, 32), axis=1))
    )
    if not group.is_valid_encoding(blinding_public) or in_table:
        raise ReleaseParamsMismatch(
            "the blinding public key is invalid or appears in the table", field="server_params"
        )
    return params
