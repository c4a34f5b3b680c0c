"""Source lists and the organisation registry: file formats, signing, strict reading.

A **source list** (``protocol/SPEC.md``, "Releases") is UTF-8 JSON Lines:

* line 1, the list header: ``{"format": "vouchsafe-source-list-v1", "organisation": NAME,
  "list_id": ID, "issued_at": UNIX_SECONDS, "confirmation_key_id": HEX}`` (the last one
  optional: the provider confirmation key the list's confirmation hashes were made under);
* one line per record: ``{"op": "add" | "withdraw", "signal_type": "pdq", "hash": HEX,
  "listed_at": UNIX_SECONDS, "labels": [STRING, ...], "confirmation_hash": HEX}`` (``labels``
  optional; ``confirmation_hash`` optional, 1 to 8 concatenated 32-byte hashes: the item's keyed
  confirmation hashes (its tone variants' listing),
  ``vouchsafe.server.confirmation``, next to its PDQ; a *withdraw* record is a tombstone);
* last line: ``{"signature": HEX}``, the organisation's Ed25519 signature (label
  ``LABEL("SourceListSignature")``) over SHA-256 of every byte before that line.

The **organisation registry** (``organisations.json``) pins each organisation's name,
jurisdiction and public key; a list verifies only under its organisation's registered key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vouchsafe.sdk.crypto import ed25519
from vouchsafe.sdk.crypto.labels import SOURCE_LIST_SIGNATURE
from vouchsafe.server.hashset.errors import (
    SourceListInvalid,
    SourceListSignatureInvalid,
    UnknownOrganisation,
)

SOURCE_LIST_FORMAT = "vouchsafe-source-list-v1"
REGISTRY_FORMAT = "vouchsafe-organisations-v1"
# Perceptual-hash sizes per signal type this build understands (PDQ: 256 bits).
HASH_SIZES: dict[str, int] = {"pdq": 32}
SIGNAL_TYPES: tuple[str, ...] = tuple(sorted(HASH_SIZES))
CONFIRMATION_HASH_SIZE = 32  # the keyed confirmation hash (vouchsafe.server.confirmation)
MAX_CONFIRMATION_HASHES = 8  # hashes one record may list (an item's tone variants)
OP_ADD = 0
OP_WITHDRAW = 1
_OPS = {"add": OP_ADD, "withdraw": OP_WITHDRAW}
MAX_ORGANISATIONS = 63  # organisations are tracked as bits of one int64 per entry


@dataclass(frozen=True)
class Organisation:
    """One organisation that may contribute source lists."""

    name: str
    jurisdiction: str
    public_key: bytes


@dataclass(frozen=True)
class OrganisationRegistry:
    """The organisations a build trusts, in a fixed order (their index is their bit)."""

    organisations: tuple[Organisation, ...]

    def index(self, name: str) -> int:
        """The organisation's position; raises UnknownOrganisation if it is not registered."""
        for i, org in enumerate(self.organisations):
            if org.name == name:
                return i
        raise UnknownOrganisation(f"organisation {name!r} is not registered", field="organisation")

    def jurisdictions(self) -> tuple[str, ...]:
        """Distinct jurisdictions, sorted (their index is their bit)."""
        return tuple(sorted({org.jurisdiction for org in self.organisations}))


def write_registry(path: Path, registry: OrganisationRegistry) -> None:
    """Writes ``organisations.json``."""
    document = {
        "format": REGISTRY_FORMAT,
        "organisations": [
            {"name": o.name, "jurisdiction": o.jurisdiction, "public_key": o.public_key.hex()}
            for o in registry.organisations
        ],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def read_registry(path: Path) -> OrganisationRegistry:
    """Reads and checks ``organisations.json`` (unique names, 32-byte keys, <= 63 entries)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != REGISTRY_FORMAT:
            raise ValueError(f"format is not {REGISTRY_FORMAT}")
        orgs = tuple(
            Organisation(str(o["name"]), str(o["jurisdiction"]), bytes.fromhex(o["public_key"]))
            for o in document["organisations"]
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SourceListInvalid(f"organisation registry {path}: {exc}", field="registry") from None
    names = [o.name for o in orgs]
    if len(set(names)) != len(names) or not 0 < len(orgs) <= MAX_ORGANISATIONS:
        raise SourceListInvalid("registry names must be unique, 1..63 of them", field="registry")
    if any(len(o.public_key) != ed25519.PUBLIC_KEY_SIZE for o in orgs):
        raise SourceListInvalid("every registry key must be 32 bytes", field="public_key")
    return OrganisationRegistry(orgs)


@dataclass(frozen=True)
class SourceRecord:
    """One line of a source list: add (list) or withdraw (tombstone) an entry."""

    signal_type: str
    perceptual_hash: bytes
    listed_at: int
    op: str = "add"
    labels: tuple[str, ...] = ()
    confirmation_hash: bytes = b""


def _line(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def write_source_list(
    path: Path,
    *,
    organisation: str,
    private_key: bytes,
    list_id: str,
    issued_at: int,
    records: Iterable[SourceRecord],
    confirmation_key_id: str = "",
) -> None:
    """Writes and signs a source list, streaming (records may be a generator).

    Records' confirmation hashes are written only with the ``confirmation_key_id`` they were
    made under (raises ValueError otherwise).
    """
    digest = hashlib.sha256()
    with path.open("wb") as out:
        head: dict[str, Any] = {
            "format": SOURCE_LIST_FORMAT,
            "organisation": organisation,
            "list_id": list_id,
            "issued_at": issued_at,
        }
        if confirmation_key_id:
            head["confirmation_key_id"] = confirmation_key_id
        header = _line(head)
        out.write(header)
        digest.update(header)
        for record in records:
            document: dict[str, Any] = {
                "op": record.op,
                "signal_type": record.signal_type,
                "hash": record.perceptual_hash.hex(),
                "listed_at": record.listed_at,
            }
            if record.labels:
                document["labels"] = list(record.labels)
            if record.confirmation_hash:
                if not confirmation_key_id:
                    raise ValueError("confirmation hashes need the confirmation key id")
                document["confirmation_hash"] = record.confirmation_hash.hex()
            line = _line(document)
            out.write(line)
            digest.update(line)
        signature = ed25519.sign(private_key, SOURCE_LIST_SIGNATURE, digest.digest())
        out.write(_line({"signature": signature.hex()}))


@dataclass
class SourceList:
    """A verified source list, its records held column-wise (compact for 1M records)."""

    organisation: str
    list_id: str
    issued_at: int
    signal_codes: npt.NDArray[np.uint8]  # index into SIGNAL_TYPES
    hashes: npt.NDArray[np.uint8]  # shape (n, 32)
    listed_at: npt.NDArray[np.int64]
    ops: npt.NDArray[np.uint8]
    labels: dict[int, tuple[str, ...]] = field(default_factory=dict)
    unsupported_signal_type: int = 0
    confirmation_key_id: str = ""
    # Record index -> keyed confirmation hash (only records that carry one).
    confirmation_hashes: dict[int, bytes] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.ops.shape[0])


def _parse_record(number: int, raw: bytes) -> dict[str, Any]:
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SourceListInvalid(f"line {number} is not JSON", field=f"line {number}") from None
    if not isinstance(document, dict):
        raise SourceListInvalid(f"line {number} is not an object", field=f"line {number}")
    return document


def read_source_list(path: Path, registry: OrganisationRegistry) -> SourceList:
    """Reads a source list, verifying its signature under the registered key; streaming.

    Raises SourceListInvalid (with the line), UnknownOrganisation or SourceListSignatureInvalid.
    Records of a signal type this build does not know are counted, not kept.
    """
    size = HASH_SIZES[SIGNAL_TYPES[0]]
    codes: list[int] = []
    hashes = bytearray()
    listed: list[int] = []
    ops: list[int] = []
    labels: dict[int, tuple[str, ...]] = {}
    confirmations: dict[int, bytes] = {}
    unsupported = 0
    digest = hashlib.sha256()
    header: dict[str, Any] | None = None
    signature: bytes | None = None
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if signature is not None:
                raise SourceListInvalid(f"line {number} follows the signature line")
            document = _parse_record(number, raw)
            if header is None:
                if document.get("format") != SOURCE_LIST_FORMAT:
                    raise SourceListInvalid(f"{path}: not a {SOURCE_LIST_FORMAT} file")
                header = document
            elif "signature" in document:
                try:
                    signature = bytes.fromhex(str(document["signature"]))
                except ValueError:
                    raise SourceListInvalid("the signature is not hex", field="signature") from None
                continue
            else:
                try:
                    signal_type = str(document["signal_type"])
                    op = _OPS[document["op"]]
                    value = bytes.fromhex(document["hash"])
                    when = int(document["listed_at"])
                    tags = tuple(str(t) for t in document.get("labels", ()))
                    confirmation = bytes.fromhex(str(document.get("confirmation_hash", "")))
                except (KeyError, ValueError, TypeError):
                    raise SourceListInvalid(
                        f"line {number} is not a valid record", field=f"line {number}"
                    ) from None
                if signal_type not in HASH_SIZES:
                    unsupported += 1
                elif len(value) != HASH_SIZES[signal_type]:
                    raise SourceListInvalid(
                        f"line {number}: a {signal_type} hash has {HASH_SIZES[signal_type]} bytes",
                        field=f"line {number}",
                    )
                elif confirmation and (
                    len(confirmation) % CONFIRMATION_HASH_SIZE
                    or len(confirmation) > MAX_CONFIRMATION_HASHES * CONFIRMATION_HASH_SIZE
                ):
                    raise SourceListInvalid(
                        f"line {number}: a confirmation hash has {CONFIRMATION_HASH_SIZE} bytes "
                        f"(a record lists 1 to {MAX_CONFIRMATION_HASHES} of them)",
                        field=f"line {number}",
                    )
                else:
                    if tags:
                        labels[len(ops)] = tags
                    if confirmation:
                        confirmations[len(ops)] = confirmation
                    codes.append(SIGNAL_TYPES.index(signal_type))
                    hashes += value
                    listed.append(when)
                    ops.append(op)
            digest.update(raw)
    if header is None or signature is None:
        raise SourceListInvalid(f"{path}: missing header or signature line")
    organisation = str(header.get("organisation", ""))
    key = registry.organisations[registry.index(organisation)].public_key
    if not ed25519.verify(key, signature, SOURCE_LIST_SIGNATURE, digest.digest()):
        raise SourceListSignatureInvalid(
            f"{path}: signature does not verify under {organisation}'s registered key",
            field="signature",
        )
    return SourceList(
        organisation=organisation,
        list_id=str(header.get("list_id", "")),
        issued_at=int(header.get("issued_at", 0)),
        signal_codes=np.array(codes, dtype=np.uint8),
        hashes=np.frombuffer(bytes(hashes), dtype=np.uint8).reshape(-1, size),
        listed_at=np.array(listed, dtype=np.int64),
        ops=np.array(ops, dtype=np.uint8),
        labels=labels,
        unsupported_signal_type=unsupported,
        confirmation_key_id=str(header.get("confirmation_key_id", "")),
        confirmation_hashes=confirmations,
    )
