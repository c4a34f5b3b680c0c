"""On-disk layout of a release folder, and loading it into the reference server.

A release folder ``DIR`` holds a **public** part, published to devices and auditors::

    DIR/release.pb        the release file (vouchsafe.v1.Release), signed by the release key
    DIR/release.root      its root commitment, hex (published out of band)
    DIR/release_key.pub   the release public key, hex (devices pin it)
    DIR/release.json      summary: version, digest, sizes, bytes per entry, rule, exclusions

and the **private server bundle** ``DIR/server/`` (mode 0700; never published)::

    server/server_key     the server key (encoded by the protocol core), mode 0600
    server/release_key    the Ed25519 release signing key (32-byte seed), mode 0600
    server/build_seed     32 bytes from which the table's filler and cuckoo nonces were drawn
    server/entries.jsonl  one admitted entry per line: signal type, full hash, provenance
                          (each listing's keyed confirmation hash and key id, when given)
    server/confirmation_key  the provider's confirmation key, hex, mode 0600 (optional: without
                          it the keyed confirmation check is unavailable)
    server/build.json     how it was built: rule, source lists (SHA-256), exclusion counts

:func:`load_release_bundle` is what the reference server calls.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.errors import VouchsafeError
from vouchsafe.sdk.media.pdq import PDQ_MATCH_DISTANCE
from vouchsafe.sdk.release import VerifiedRelease, verify_release_file
from vouchsafe.sdk.tpsi import BlindedHashSet, ServerKey
from vouchsafe.sdk.tpsi.wire import decode_server_key
from vouchsafe.server.confirmation.key import (
    ConfirmationKey,
    ConfirmationKeyInvalid,
    read_confirmation_key,
)
from vouchsafe.server.hashset.errors import BundleInvalid
from vouchsafe.server.hashset.provenance import HashSetEntry, SourceListing

RELEASE_FILE = "release.pb"
ROOT_FILE = "release.root"
RELEASE_PUBLIC_KEY_FILE = "release_key.pub"
SUMMARY_FILE = "release.json"
PRIVATE_DIR = "server"
SERVER_KEY_FILE = "server_key"
RELEASE_PRIVATE_KEY_FILE = "release_key"
BUILD_SEED_FILE = "build_seed"
ENTRIES_FILE = "entries.jsonl"
BUILD_FILE = "build.json"
CONFIRMATION_KEY_FILE = "confirmation_key"
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def write_private(path: Path, data: bytes) -> None:
    """Writes a secret file readable by its owner only: mode 0600, also when the file existed
    with a wider mode (it is narrowed before anything is written)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def make_private_dir(path: Path) -> None:
    """Creates (or narrows) a directory only its owner may enter: mode 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


def read_hex(path: Path, size: int, what: str) -> bytes:
    """A hex file of exactly ``size`` bytes; raises BundleInvalid otherwise."""
    try:
        value = bytes.fromhex(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        raise BundleInvalid(f"{path} is not a readable hex {what}", field=what) from None
    if len(value) != size:
        raise BundleInvalid(f"{path}: a {what} has {size} bytes", field=what)
    return value


def entry_to_json(entry: HashSetEntry) -> dict[str, Any]:
    """The entries.jsonl line for one entry."""
    return {
        "signal_type": entry.signal_type,
        "hash": entry.perceptual_hash.hex(),
        "listings": [
            {
                "organisation": x.organisation,
                "jurisdiction": x.jurisdiction,
                "list_id": x.list_id,
                "listed_at": x.listed_at,
                "labels": list(x.labels),
                **(
                    {
                        "confirmation_hash": x.confirmation_hash.hex(),
                        "confirmation_key_id": x.confirmation_key_id,
                    }
                    if x.confirmation_hash
                    else {}
                ),
            }
            for x in entry.listings
        ],
    }


def entry_from_json(document: dict[str, Any]) -> HashSetEntry:
    """Inverse of :func:`entry_to_json`."""
    return HashSetEntry(
        signal_type=str(document["signal_type"]),
        perceptual_hash=bytes.fromhex(document["hash"]),
        listings=tuple(
            SourceListing(
                organisation=str(x["organisation"]),
                jurisdiction=str(x["jurisdiction"]),
                list_id=str(x["list_id"]),
                listed_at=int(x["listed_at"]),
                labels=tuple(x["labels"]),
                confirmation_hash=bytes.fromhex(x.get("confirmation_hash", "")),
                confirmation_key_id=str(x.get("confirmation_key_id", "")),
            )
            for x in document["listings"]
        ),
    )


@dataclass(frozen=True)
class EntryMatch:
    """An entry within the match distance of a queried hash."""

    entry: HashSetEntry
    distance: int


@dataclass
class ReleaseBundle:
    """A verified release with its private server bundle, as the reference server holds it.

    ``server_key`` is the decoded key that ``process_voucher`` takes (``server_key_bytes`` the
    key file's ``vouchsafe.sdk.tpsi.wire`` encoding);
    ``blinded_hash_set()`` is what ``process_voucher`` takes; ``find_entries`` is the server's
    second, independent check on a full perceptual hash.
    """

    directory: Path
    release: VerifiedRelease
    server_key: ServerKey = field(repr=False)
    server_key_bytes: bytes = field(repr=False)
    signal_types: tuple[str, ...]
    _hashes: npt.NDArray[np.uint8] = field(repr=False)
    _codes: npt.NDArray[np.uint8] = field(repr=False)
    _offsets: list[int] = field(repr=False)
    confirmation_key: ConfirmationKey | None = field(default=None, repr=False)

    def blinded_hash_set(self) -> BlindedHashSet:
        """The release's blinded hash set (public params and table)."""
        return self.release.blinded_hash_set()

    @property
    def params_digest(self) -> bytes:
        """ParamsDigest of this release: what its vouchers name."""
        return self.release.params.params_digest

    @property
    def entry_count(self) -> int:
        """Number of admitted entries (the private record's count)."""
        return len(self._offsets)

    def entry(self, index: int) -> HashSetEntry:
        """Entry ``index`` of entries.jsonl, with its provenance (read from disk on demand)."""
        with (self.directory / PRIVATE_DIR / ENTRIES_FILE).open("rb") as handle:
            handle.seek(self._offsets[index])
            return entry_from_json(json.loads(handle.readline()))

    def find_entries(
        self, signal_type: str, perceptual_hash: bytes, max_distance: int = PDQ_MATCH_DISTANCE
    ) -> list[EntryMatch]:
        """Entries of ``signal_type`` within Hamming distance ``max_distance``, closest first."""
        if signal_type not in self.signal_types or len(perceptual_hash) != self._hashes.shape[1]:
            return []
        query = np.frombuffer(perceptual_hash, dtype=np.uint8)
        distances = _POPCOUNT[np.bitwise_xor(self._hashes, query)].sum(axis=1, dtype=np.int64)
        code = self.signal_types.index(signal_type)
        hits = np.flatnonzero((distances <= max_distance) & (self._codes == code))
        ordered = sorted(hits.tolist(), key=lambda i: int(distances[i]))
        return [EntryMatch(self.entry(i), int(distances[i])) for i in ordered]


def load_public_release(directory: Path, *, now: int | None = None) -> VerifiedRelease:
    """Verifies DIR/release.pb against DIR/release_key.pub and DIR/release.root.

    ``now=None`` skips the expiry check (a server keeps processing vouchers of its own
    releases after they expire; see SPEC.md "Releases"); every other check runs.
    """
    release_key = read_hex(directory / RELEASE_PUBLIC_KEY_FILE, 32, "release key")
    root = read_hex(directory / ROOT_FILE, 32, "root")
    try:
        return verify_release_file(
            directory / RELEASE_FILE, release_key=release_key, published_root=root, now=now
        )
    except OSError:
        raise BundleInvalid(f"{directory / RELEASE_FILE} is missing", field="release") from None


def load_release_bundle(directory: Path | str) -> ReleaseBundle:
    """Loads a release folder for the reference server.

    Verifies the public release in full (signature, root, elements; not expiry), reads the
    server key and indexes the admitted entries' full hashes for the second check. Raises
    :class:`BundleInvalid` (or a release error) naming what is wrong.
    """
    directory = Path(directory)
    release = load_public_release(directory)
    private = directory / PRIVATE_DIR
    try:
        server_key_bytes = (private / SERVER_KEY_FILE).read_bytes()
        handle = (private / ENTRIES_FILE).open("rb")
    except OSError:
        raise BundleInvalid(f"{private} is not a complete server bundle", field="server") from None
    try:
        server_key = decode_server_key(server_key_bytes)
    except VouchsafeError:
        handle.close()
        raise BundleInvalid(f"{private / SERVER_KEY_FILE} is not a server key") from None
    if server_key.blinding_public.encoding != release.params.blinding_public.encoding:
        handle.close()
        raise BundleInvalid("the server key does not belong to this release", field="server_key")
    signal_types = tuple(release.signal_types)
    offsets: list[int] = []
    hashes = bytearray()
    codes = bytearray()
    width = 0
    with handle:
        position = 0
        for number, line in enumerate(handle, start=1):
            try:
                document = json.loads(line)
                value = bytes.fromhex(document["hash"])
                code = signal_types.index(document["signal_type"])
            except (ValueError, KeyError, TypeError):
                raise BundleInvalid(f"{ENTRIES_FILE} line {number} is invalid") from None
            width = width or len(value)
            if len(value) != width:
                raise BundleInvalid(f"{ENTRIES_FILE} line {number}: hash length differs")
            offsets.append(position)
            hashes += value
            codes.append(code)
            position += len(line)
    if len(offsets) != release.entry_count:
        raise BundleInvalid(
            f"{ENTRIES_FILE} holds {len(offsets)} entries, the release says {release.entry_count}",
            field="entry_count",
        )
    key_path = private / CONFIRMATION_KEY_FILE
    try:
        confirmation_key = read_confirmation_key(key_path) if key_path.exists() else None
    except ConfirmationKeyInvalid as exc:
        raise BundleInvalid(str(exc), field="confirmation_key") from None
    return ReleaseBundle(
        confirmation_key=confirmation_key,
        directory=directory,
        release=release,
        server_key=server_key,
        server_key_bytes=server_key_bytes,
        signal_types=signal_types,
        _hashes=np.frombuffer(bytes(hashes), dtype=np.uint8).reshape(len(offsets), width or 32),
        _codes=np.frombuffer(bytes(codes), dtype=np.uint8),
        _offsets=offsets,
    )
