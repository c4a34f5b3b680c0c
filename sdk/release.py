"""Verifying and holding the release in use on the device (``protocol/SPEC.md``, "Releases").

A device accepts a release only if, in this order: it decodes strictly; its signature verifies
against the pinned release key; format, ciphersuite and sizes are supported; it is not older
than the release held (no rollback), nor a different release under the same version, and a
direct successor names the held release as its predecessor; it has not expired; its root is the
published root the device was given; the table hashes to that root; and every element is a
valid, non-identity ristretto255 element, pairwise distinct; and the protocol parameters commit
to exactly this table; and they are inside the device's pinned policy (minimum synthetic
shares, allowed open weights). Each failure is its own
:class:`~vouchsafe.sdk.errors.ReleaseError`. :class:`ReleaseHolder` swaps in a release only after
all
checks passed, so a refused release never replaces the one in use.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vouchsafe.protocol import release_pb2
from vouchsafe.sdk.crypto import ed25519
from vouchsafe.sdk.errors import (
    NoReleaseHeld,
    ReleaseDeltaBaseMismatch,
    ReleaseExpired,
    ReleaseMalformed,
    ReleaseRootMismatch,
    ReleaseTableMismatch,
    ReleaseUnsupported,
)
from vouchsafe.sdk.release_checks import (
    ELEMENT_SIZE,
    MAX_SLOT_COUNT,
    RELEASE_FORMAT_VERSION,
    SIGNATURE_SCHEME,
    SUPPORTED_CIPHERSUITES,
    check_against_held,
    check_elements,
    check_params,
    decode_message,
    read_release,
    verify_header,
)
from vouchsafe.sdk.release_commitment import ROOT_SIZE, merkle_root, release_digest
from vouchsafe.sdk.release_policy import DEVICE_POLICY, ReleasePolicy
from vouchsafe.sdk.tpsi.params import BlindedHashSet, ServerParams

__all__ = [
    "ELEMENT_SIZE",
    "MAX_SLOT_COUNT",
    "RELEASE_FORMAT_VERSION",
    "SIGNATURE_SCHEME",
    "SUPPORTED_CIPHERSUITES",
    "ReleaseHolder",
    "VerifiedRelease",
    "apply_delta",
    "check_elements",
    "verify_release",
    "verify_release_file",
    "verify_release_parts",
]


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
    candidate_scheme: str
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
    policy: ReleasePolicy = DEVICE_POLICY,
) -> VerifiedRelease:
    """Runs every release check on a header, its signature and a table (see module docstring).

    ``now=None`` skips only the expiry check: for a provider re-reading its own past releases.
    """
    header = verify_header(header_bytes, signature_scheme, signature, release_key)
    digest = release_digest(header_bytes)
    if held is not None:
        check_against_held(header, digest, held.version, held.digest)
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
    policy.check(params)
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
        candidate_scheme=header.candidate_scheme,
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
    policy: ReleasePolicy = DEVICE_POLICY,
) -> VerifiedRelease:
    """Decodes and verifies a release file; returns it, or raises its own ReleaseError.

    ``now`` is the current Unix time; ``None`` skips the expiry check (provider side only).
    The release keeps a copy of the table, so ``data`` and the release together cost twice
    the table; :func:`verify_release_file` costs it once.
    """
    return verify_release_parts(
        *read_release(io.BytesIO(data)),
        release_key=release_key,
        published_root=published_root,
        now=now,
        held=held,
        policy=policy,
    )


def verify_release_file(
    path: Path | str,
    *,
    release_key: bytes,
    published_root: bytes,
    now: int | None,
    held: VerifiedRelease | None = None,
    policy: ReleasePolicy = DEVICE_POLICY,
) -> VerifiedRelease:
    """Verifies the release file at ``path`` (a download) in bounded memory: the table is read
    once, straight into the bytes the returned release holds, so checking needs the table plus
    about 10 bytes per slot, and holding it the table alone."""
    with open(path, "rb") as stream:
        parts = read_release(stream)
    return verify_release_parts(
        *parts,
        release_key=release_key,
        published_root=published_root,
        now=now,
        held=held,
        policy=policy,
    )


def apply_delta(
    data: bytes,
    *,
    held: VerifiedRelease,
    release_key: bytes,
    published_root: bytes,
    now: int,
    policy: ReleasePolicy = DEVICE_POLICY,
) -> VerifiedRelease:
    """Applies a release delta to ``held`` and verifies the result as a full release."""
    message = decode_message(release_pb2.ReleaseDelta, data, "release delta")
    if message.format_version != RELEASE_FORMAT_VERSION:
        raise ReleaseUnsupported("delta format version not supported", field="format_version")
    if message.base_release_digest != held.digest:
        raise ReleaseDeltaBaseMismatch(
            "the delta does not apply to the release in use", field="base_release_digest"
        )
    header = verify_header(message.header, message.signature_scheme, message.signature, release_key)
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
        policy=policy,
    )


class ReleaseHolder:
    """Holds the release in use; replaces it only with a release that passed every check.

    ``release_key`` is the pinned 32-byte Ed25519 release public key; ``clock`` returns the
    current Unix time (tests pass a fixed one); ``policy`` is the pinned parameter policy
    (:data:`~vouchsafe.sdk.release_policy.DEVICE_POLICY` unless the vendor pins another).
    """

    def __init__(
        self,
        release_key: bytes,
        clock: Callable[[], float] = time.time,
        policy: ReleasePolicy = DEVICE_POLICY,
    ) -> None:
        if len(release_key) != ed25519.PUBLIC_KEY_SIZE:
            raise ReleaseMalformed("the pinned release key must be 32 bytes", field="release_key")
        self._release_key = release_key
        self._clock = clock
        self._policy = policy
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
            policy=self._policy,
        )
        self._current = release
        return release

    def install_file(self, path: Path | str, published_root: bytes) -> VerifiedRelease:
        """``install`` for a release file on disk, in bounded memory (the table once)."""
        release = verify_release_file(
            path,
            release_key=self._release_key,
            published_root=published_root,
            now=int(self._clock()),
            held=self._current,
            policy=self._policy,
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
            policy=self._policy,
        )
        self._current = release
        return release
