"""The individual checks of VerifyRelease (``protocol/SPEC.md``, "Releases", R.6).

Each raises its own :class:`~vouchsafe.sdk.errors.ReleaseError`; :mod:`vouchsafe.sdk.release` runs
them in the
specified order and holds the release in use.
"""

from __future__ import annotations

from typing import BinaryIO, NamedTuple, TypeVar

import numpy as np

from vouchsafe.protocol import release_pb2
from vouchsafe.sdk.crypto import ed25519, group, labels
from vouchsafe.sdk.decoding import decode_canonical
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
from vouchsafe.sdk.media.candidates import SCHEMES
from vouchsafe.sdk.release_commitment import DIGEST_SIZE, ROOT_SIZE
from vouchsafe.sdk.tpsi.params import CIPHERSUITE, ServerParams, table_digest
from vouchsafe.sdk.tpsi.verify import first_repeated_element
from vouchsafe.sdk.tpsi.wire import decode_server_params

RELEASE_FORMAT_VERSION = 1
SIGNATURE_SCHEME = "ed25519"
ELEMENT_SIZE = group.ELEMENT_LENGTH
# Ciphersuites whose tables this SDK can use; named by the protocol core (SPEC.md).
SUPPORTED_CIPHERSUITES = frozenset({CIPHERSUITE})
# Upper bound on table slots a device accepts (a 1M-entry hash set needs far fewer).
MAX_SLOT_COUNT = 1 << 24


_M = TypeVar("_M", release_pb2.Release, release_pb2.ReleaseDelta)


def decode_message(message_type: type[_M], data: bytes, what: str) -> _M:
    """The one strict decoder (``vouchsafe.sdk.decoding``), failing as ReleaseMalformed."""
    return decode_canonical(
        message_type, data, field=None, what=f"the {what}", error=ReleaseMalformed
    )


# Field numbers and wire type of ``vouchsafe.v1.Release`` (protocol/release.proto).
_RELEASE_TABLE_FIELD = 4
_LENGTH_DELIMITED = 2
# The header, scheme and signature together are a few hundred bytes; more is not a release.
MAX_RELEASE_PREFIX = 1 << 20
MAX_TABLE_BYTES = MAX_SLOT_COUNT * ELEMENT_SIZE


class ReleaseParts(NamedTuple):
    """The four fields of a ``vouchsafe.v1.Release``, as received."""

    header: bytes
    signature_scheme: str
    signature: bytes
    table: bytes


def _read_varint(stream: BinaryIO, into: bytearray) -> int:
    """Reads one varint, appending its bytes to ``into``; only the shortest encoding passes."""
    value = shift = 0
    start = len(into)
    while True:
        byte = stream.read(1)
        if not byte:
            raise ReleaseMalformed("the release ends inside a field")
        into += byte
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            break
        shift += 7
        if shift > 63:
            raise ReleaseMalformed("the release is not a well-formed protobuf message")
    if len(into) - start > 1 and into[-1] == 0:
        raise ReleaseMalformed("the release is not in canonical encoding or has unknown fields")
    return value


def read_release(stream: BinaryIO) -> ReleaseParts:
    """Reads a ``vouchsafe.v1.Release`` from ``stream`` with the strictness of
    :func:`decode_message`, holding the table as one bytes object read straight from the stream
    (no parse buffer or re-encoding of the table, so a 1M-entry release costs its table once).

    The message must be canonical: fields 1-3 come first and are checked by
    :func:`decode_message` itself; the table (field 4) is the last field, its length the
    shortest varint, non-empty (proto3 leaves an empty field out), and nothing follows it.
    """
    prefix = bytearray()
    table_length = 0
    found_table = False
    while True:
        tag_start = len(prefix)
        first = stream.read(1)
        if not first:
            break
        prefix += first
        if first[0] & 0x80:  # every field number of Release fits a one-byte tag
            raise ReleaseMalformed("the release is not in canonical encoding or has unknown fields")
        field_number, wire_type = first[0] >> 3, first[0] & 7
        if wire_type != _LENGTH_DELIMITED or not 1 <= field_number <= _RELEASE_TABLE_FIELD:
            raise ReleaseMalformed("the release is not in canonical encoding or has unknown fields")
        length = _read_varint(stream, prefix)
        if field_number == _RELEASE_TABLE_FIELD:
            del prefix[tag_start:]
            table_length, found_table = length, True
            break
        if len(prefix) + length > MAX_RELEASE_PREFIX:
            raise ReleaseMalformed("the release header fields are too large")
        chunk = stream.read(length)
        if len(chunk) != length:
            raise ReleaseMalformed("the release is not a well-formed protobuf message")
        prefix += chunk
    if table_length > MAX_TABLE_BYTES:
        raise ReleaseMalformed(f"the table field is larger than {MAX_TABLE_BYTES} bytes")
    table = stream.read(table_length) if table_length else b""
    if len(table) != table_length:
        raise ReleaseMalformed("the release is not a well-formed protobuf message")
    if (found_table and table_length == 0) or stream.read(1):
        raise ReleaseMalformed("the release is not in canonical encoding or has unknown fields")
    message = decode_message(release_pb2.Release, bytes(prefix), "release")
    if message.table:  # cannot happen: the prefix holds no field 4
        raise ReleaseMalformed("the release is not in canonical encoding or has unknown fields")
    return ReleaseParts(message.header, message.signature_scheme, message.signature, table)


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
    header = decode_canonical(
        release_pb2.ReleaseHeader,
        header_bytes,
        field="header",
        what="the signed header",
        error=ReleaseMalformed,
    )
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


def check_elements(table: bytes, element_size: int = ELEMENT_SIZE) -> None:
    """Raises unless every slot is a canonical, non-identity element and all are distinct.

    The slot reported is the first one that fails (identity before invalid at the same slot);
    validity is checked for every slot before distinctness. All checks run on the raw 32-byte
    encodings in the table's own buffer: validity in bulk at native speed
    (:func:`~vouchsafe.sdk.crypto.group.first_invalid_encoding`), distinctness by sorting
    64-bit prefixes (:func:`~vouchsafe.sdk.tpsi.verify.first_repeated_element`; canonical
    encodings are unique, so equal points have equal bytes). Extra memory: about 10 bytes per
    slot, never a Python object per slot.
    """
    if element_size != group.ELEMENT_LENGTH:
        raise ReleaseUnsupported(f"element size {element_size} is not {ELEMENT_SIZE}")
    slot = group.first_invalid_encoding(table)
    if slot is not None:
        if table[slot * element_size : (slot + 1) * element_size] == group.IDENTITY_ENCODING:
            raise ReleaseIdentityElement(f"table slot {slot} holds the identity", field="table")
        raise ReleaseInvalidElement(
            f"table slot {slot} is not a valid ristretto255 element", field="table"
        )
    repeated = first_repeated_element(table)
    if repeated is not None:
        raise ReleaseDuplicateElement(f"table slot {repeated} repeats another slot", field="table")


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
    check_candidate_scheme(header.candidate_scheme, params)
    blinding_public = params.blinding_public.encoding
    if not group.is_valid_encoding(blinding_public) or _holds_element(table, blinding_public):
        raise ReleaseParamsMismatch(
            "the blinding public key is invalid or appears in the table", field="server_params"
        )
    return params


def _holds_element(table: bytes, element: bytes) -> bool:
    """Whether some slot of ``table`` is ``element`` (1 byte of extra memory per slot)."""
    prefixes = np.frombuffer(table, dtype=np.uint64)[:: ELEMENT_SIZE // 8]
    (wanted,) = np.frombuffer(element[:8], dtype=np.uint64)
    return any(
        table[i * ELEMENT_SIZE : (i + 1) * ELEMENT_SIZE] == element
        for i in np.flatnonzero(prefixes == wanted).tolist()
    )


def check_candidate_scheme(name: str, params: ServerParams) -> None:
    """The signed PSI-candidate scheme is one this SDK knows, and the parameters take at most
    its budget of candidates per voucher (SPEC.md "PSI candidates", P.1)."""
    scheme = SCHEMES.get(name)
    if scheme is None:
        raise ReleaseUnsupported(
            f"candidate scheme {name!r} is not supported", field="candidate_scheme"
        )
    if params.max_candidates > scheme.max_candidates:
        raise ReleaseParamsMismatch(
            f"max_candidates {params.max_candidates} exceeds the budget of {name}",
            field="candidate_scheme",
        )
