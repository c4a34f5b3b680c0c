"""Writing release files and release deltas (``protocol/release.proto``), signed by the release key.

The release key signs the serialized ``ReleaseHeader``; the header holds the Merkle root over
the table slots, so the signature covers the table. Nothing here ever sees the server key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from vouchsafe.protocol import release_pb2
from vouchsafe.sdk.crypto import ed25519, labels
from vouchsafe.sdk.media.candidates import CANDIDATE_SCHEME
from vouchsafe.sdk.release import ELEMENT_SIZE, RELEASE_FORMAT_VERSION, SIGNATURE_SCHEME
from vouchsafe.sdk.release_commitment import merkle_root, release_digest


@dataclass(frozen=True)
class ReleaseDraft:
    """Everything the header says apart from the table's size and root."""

    ciphersuite: str
    version: int
    previous_release_digest: bytes
    created_at: int
    expires_at: int
    server_params: bytes
    entry_count: int
    signal_types: Sequence[str]
    candidate_scheme: str = CANDIDATE_SCHEME


@dataclass(frozen=True)
class SignedRelease:
    """A signed release: its file bytes, digest and root (to publish out of band)."""

    data: bytes
    digest: bytes
    root: bytes
    header: bytes
    slot_count: int


def sign_header(
    header: release_pb2.ReleaseHeader, release_private_key: bytes
) -> tuple[bytes, bytes]:
    """Serializes ``header`` deterministically and signs it; returns (header bytes, signature)."""
    header_bytes = header.SerializeToString(deterministic=True)
    return header_bytes, ed25519.sign(release_private_key, labels.RELEASE_SIGNATURE, header_bytes)


def sign_release(
    draft: ReleaseDraft,
    table: bytes,
    release_private_key: bytes,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> SignedRelease:
    """Computes the root over ``table`` (concatenated 32-byte elements; subtrees on the
    ``executor``'s workers if given), signs, encodes."""
    if len(table) % ELEMENT_SIZE:
        raise ValueError("the table is not a whole number of 32-byte elements")
    root = merkle_root(table, ELEMENT_SIZE, progress, executor)
    slot_count = len(table) // ELEMENT_SIZE
    header = release_pb2.ReleaseHeader(
        format_version=RELEASE_FORMAT_VERSION,
        ciphersuite=draft.ciphersuite,
        version=draft.version,
        previous_release_digest=draft.previous_release_digest,
        created_at=draft.created_at,
        expires_at=draft.expires_at,
        server_params=draft.server_params,
        slot_count=slot_count,
        element_size=ELEMENT_SIZE,
        root=root,
        entry_count=draft.entry_count,
        signal_types=list(draft.signal_types),
        candidate_scheme=draft.candidate_scheme,
    )
    header_bytes, signature = sign_header(header, release_private_key)
    message = release_pb2.Release(
        header=header_bytes, signature_scheme=SIGNATURE_SCHEME, signature=signature, table=table
    )
    return SignedRelease(
        data=message.SerializeToString(deterministic=True),
        digest=release_digest(header_bytes),
        root=root,
        header=header_bytes,
        slot_count=slot_count,
    )


def changed_slots(old_table: bytes, new_table: bytes) -> list[int]:
    """Slots of ``new_table`` whose element differs from (or is beyond) ``old_table``."""
    count = len(new_table) // ELEMENT_SIZE
    changed = []
    for slot in range(count):
        a, b = slot * ELEMENT_SIZE, (slot + 1) * ELEMENT_SIZE
        if old_table[a:b] != new_table[a:b]:
            changed.append(slot)
    return changed


def make_delta(old_release: bytes, new_release: bytes) -> bytes:
    """A ``ReleaseDelta`` turning ``old_release`` into ``new_release`` (changed slots only).

    The caller should have verified both; the device verifies the result in full anyway.
    """
    old = release_pb2.Release.FromString(old_release)
    new = release_pb2.Release.FromString(new_release)
    slots = changed_slots(old.table, new.table)
    elements = b"".join(new.table[s * ELEMENT_SIZE : (s + 1) * ELEMENT_SIZE] for s in slots)
    delta = release_pb2.ReleaseDelta(
        format_version=RELEASE_FORMAT_VERSION,
        base_release_digest=release_digest(old.header),
        header=new.header,
        signature_scheme=new.signature_scheme,
        signature=new.signature,
        changed_slots=slots,
        changed_elements=elements,
    )
    return delta.SerializeToString(deterministic=True)
