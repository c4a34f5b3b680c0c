"""Verifying and holding the release in use on the device (``protocol/SPEC.md``, "Releases").

A device accepts a release only if, in this order: it decodes strictly; its signature verifies
against the pinned release key; format, ciphersuite and sizes are supported; it is not older
than the release held (no rollback), nor a different release under the same version, and a
direct successor names the held release as its predecessor; it has not expired; its root is the
published root the device was given; the table hashes to that root; and every element is a
valid, non-identity ristretto255 element, pairwise distinct. Each failure is its own
:class:`~sdk.errors.ReleaseError`. :class:`ReleaseHolder` swaps in a release only after all
checks passed, so a refused release never replaces the one in use.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from google.protobuf.message import DecodeError

from protocol import release_pb2
from sdk.crypto import ed25519, group
from sdk.errors import (
    NoReleaseHeld,
    ReleaseChainBroken,
    ReleaseDeltaBaseMismatch,
    ReleaseDuplicateElement,
    ReleaseEquivocation,
    ReleaseExpired,
    ReleaseIdentityElement,
    ReleaseInvalidElement,
    ReleaseMalformed,
    ReleaseParamsMismatch,
    ReleaseRollback,
    ReleaseRootMismatch,
    ReleaseSignatureInvalid,
    ReleaseTableMismatch,
    ReleaseUnsupported,
    VouchsafeError,
)
from sdk.release_commitment import (
    DIGEST_SIZE,
    LABEL_RELEASE_SIGNATURE,
    ROOT_SIZE,
    merkle_root,
    release_digest,
)
from sdk.tpsi.params import CIPHERSUITE, BlindedHashSet, ServerParams, table_digest
from sdk.tpsi.wire import decode_server_params

RELEASE_FORMAT_VERSION = 1
SIGNATURE_SCHEME = "ed25519"
ELEMENT_SIZE = group.ELEMENT_LENGTH
# Ciphersuites whose tables this SDK can use; named by the protocol core (SPEC.md).
SUPPORTED_CIPHERSUITES = frozenset({CIPHERSUITE})
# Upper bound on table slots a device accepts (a 1M-entry hash set needs far fewer).
MAX_SLOT_COUNT = 1 << 24


@dataclass(frozen=True)
class VerifiedRelease:
    """A release that passed every check; its fields are the signed header's fields.

    ``table`` holds ``slot_count`` elements of ``element_size`` bytes, in slot order.
    """

    version: int
    digest: bytes
    previous_release_digest: bytes
    ciphersuite: str
    created_at: int
    expires_at: int
    server_params: bytes
    params: ServerParams
    slot_count: int
    element_size: int
    root: bytes
    entry_count: int
    signal_types: tuple[str, ...]
    header: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    table: bytes = field(repr=False)

    def element(self, slot: int) -> bytes:
        """The blinded element in table slot ``slot``."""
        if not 0 <= slot < self.slot_count:
            raise IndexError(slot)
        return self.table[slot * self.element_size : (slot + 1) * self.element_size]

    def blinded_hash_set(self) -> BlindedHashSet:
        """The blinded hash set a device generates safety vouchers against."""
        return BlindedHashSet(params=self.params, table=self.table)

    def to_bytes(self) -> bytes:
        """The release file (``vouchsafe.v1.Release``) this release was decoded from."""
        message = release_pb2.Release(
            header=self.header,
            signature_scheme=SIGNATURE_SCHEME,
            signature=self.signature,
            table=self.table,
        )
        return message.SerializeToString()


_M = TypeVar("_M", release_pb2.Release, release_pb2.ReleaseDelta)


def _decode(message: _M, data: bytes, what: str) -> _M:
    try:
        message.ParseFromString(data)
    except DecodeError:
        raise ReleaseMalformed(f"the {what} is not a well-formed protobuf message") from None
    # Re-encoding must give back exactly the bytes received: no unknown fields, no padding,
    # no non-canonical varints, no trailing data.
    if message.SerializeToString(deterministic=True) != data:
        raise ReleaseMalformed(f"the {what} is not in canonical encoding or has unknown fields")
    return message


def _verify_header(
    header_bytes: bytes, scheme: str, signature: bytes, release_key: bytes
) -> release_pb2.ReleaseHeader:
    if scheme != SIGNATURE_SCHEME:
        raise ReleaseUnsupported(
            f"signature scheme {scheme!r} is not supported", field="signature_scheme"
        )
    if not ed25519.verify(release_key, LABEL_RELEASE_SIGNATURE, header_bytes, signature):
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


def _check_against_held(
    header: release_pb2.ReleaseHeader, digest: bytes, held: VerifiedRelease | None
) -> None:
    if held is None:
        return
    if header.version < held.version:
        raise ReleaseRollback(
            f"release version {header.version} is older than the release in use ({held.version})",
            field="version",
        )
    if header.version == held.version and digest != held.digest:
        raise ReleaseEquivocation(
            f"a different release with the version in use ({held.version})", field="version"
        )
    if header.version == held.version + 1 and header.previous_release_digest != held.digest:
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


def verify_release_parts(
    header_bytes: bytes,
    signature_scheme: str,
    signature: bytes,
    table: bytes,
    *,
    release_key: bytes,
    published_root: bytes,
    now: int | None,
    held: VerifiedRelease | None = None,
) -> VerifiedRelease:
    """Runs every release check on a header, its signature and a table (see module docstring).

    ``now=None`` skips only the expiry check: for a provider re-reading its own past releases.
    """
    header = _verify_header(header_bytes, signature_scheme, signature, release_key)
    digest = release_digest(header_bytes)
    _check_against_held(header, digest, held)
    if now is not None and header.expires_at <= now:
        raise ReleaseExpired(
            f"the release expired at {header.expires_at} (now {now})", field="expires_at"
        )
    if len(published_root) != ROOT_SIZE or header.root != published_root:
        raise ReleaseRootMismatch("the release's root is not the published root", field="root")
    if len(table) != header.slot_count * header.element_size:
        raise ReleaseTableMismatch(
            f"the table has {len(table)} bytes, not slot_count x element_size", field="table"
        )
    if merkle_root(table, header.element_size) != header.root:
        raise ReleaseTableMismatch("the table does not hash to the signed root", field="table")
    check_elements(table, header.element_size)
    params = check_params(header, table)
    return VerifiedRelease(
        version=header.version,
        digest=digest,
        previous_release_digest=header.previous_release_digest,
        ciphersuite=header.ciphersuite,
        created_at=header.created_at,
        expires_at=header.expires_at,
        server_params=header.server_params,
        params=params,
        slot_count=header.slot_count,
        element_size=header.element_size,
        root=header.root,
        entry_count=header.entry_count,
        signal_types=tuple(header.signal_types),
        header=header_bytes,
        signature=signature,
        table=table,
    )


def verify_release(
    data: bytes,
    *,
    release_key: bytes,
    published_root: bytes,
    now: int | None,
    held: VerifiedRelease | None = None,
) -> VerifiedRelease:
    """Decodes and verifies a release file; returns it, or raises its own ReleaseError.

    ``now`` is the current Unix time; ``None`` skips the expiry check (provider side only).
    """
    message = _decode(release_pb2.Release(), data, "release")
    return verify_release_parts(
        message.header,
        message.signature_scheme,
        message.signature,
        message.table,
        release_key=release_key,
        published_root=published_root,
        now=now,
        held=held,
    )


def apply_delta(
    data: bytes,
    *,
    held: VerifiedRelease,
    release_key: bytes,
    published_root: bytes,
    now: int,
) -> VerifiedRelease:
    """Applies a release delta to ``held`` and verifies the result as a full release."""
    message = _decode(release_pb2.ReleaseDelta(), data, "release delta")
    if message.format_version != RELEASE_FORMAT_VERSION:
        raise ReleaseUnsupported("delta format version not supported", field="format_version")
    if message.base_release_digest != held.digest:
        raise ReleaseDeltaBaseMismatch(
            "the delta does not apply to the release in use", field="base_release_digest"
        )
    header = _verify_header(
        message.header, message.signature_scheme, message.signature, release_key
    )
    size = held.element_size
    slots = list(message.changed_slots)
    if len(message.changed_elements) != len(slots) * size:
        raise ReleaseMalformed(
            "changed elements do not match changed slots", field="changed_elements"
        )
    if any(b <= a for a, b in itertools.pairwise(slots)):
        raise ReleaseMalformed("changed slots must be strictly increasing", field="changed_slots")
    if slots and slots[-1] >= header.slot_count:
        raise ReleaseMalformed("a changed slot is outside the new table", field="changed_slots")
    table = bytearray(held.table[: header.slot_count * size])
    table.extend(bytes(max(0, header.slot_count * size - len(table))))
    for i, slot in enumerate(slots):
        table[slot * size : (slot + 1) * size] = message.changed_elements[i * size : (i + 1) * size]
    return verify_release_parts(
        message.header,
        message.signature_scheme,
        message.signature,
        bytes(table),
        release_key=release_key,
        published_root=published_root,
        now=now,
        held=held,
    )


class ReleaseHolder:
    """Holds the release in use; replaces it only with a release that passed every check.

    ``release_key`` is the pinned 32-byte Ed25519 release public key; ``clock`` returns the
    current Unix time (tests pass a fixed one).
    """

    def __init__(self, release_key: bytes, clock: Callable[[], float] = time.time) -> None:
        if len(release_key) != ed25519.PUBLIC_KEY_SIZE:
            raise ReleaseMalformed("the pinned release key must be 32 bytes", field="release_key")
        self._release_key = release_key
        self._clock = clock
        self._current: VerifiedRelease | None = None

    @property
    def current(self) -> VerifiedRelease:
        """The release in use; raises NoReleaseHeld before the first successful install."""
        if self._current is None:
            raise NoReleaseHeld("no release has been installed yet")
        return self._current

    @property
    def has_release(self) -> bool:
        """Whether a release has been installed."""
        return self._current is not None

    def install(self, data: bytes, published_root: bytes) -> VerifiedRelease:
        """Verifies a full release file and, only if every check passes, puts it in use."""
        release = verify_release(
            data,
            release_key=self._release_key,
            published_root=published_root,
            now=int(self._clock()),
            held=self._current,
        )
        self._current = release
        return release

    def install_delta(self, data: bytes, published_root: bytes) -> VerifiedRelease:
        """Applies a release delta to the release in use; puts the result in use if it passes."""
        release = apply_delta(
            data,
            held=self.current,
            release_key=self._release_key,
            published_root=published_root,
            now=int(self._clock()),
        )
        self._current = release
        return release
