"""Benign demo data for the hash-set tooling: organisations, keys and signed source lists.

``corpus_demo_sources`` hashes images from the shared benign corpus with PDQ and with the keyed
confirmation hash (under a fresh demo provider confirmation key, written next to the
organisations' keys) and spreads them over three example organisations so that the provenance
rule has something to do (entries listed by one, two or three organisations, in one or two
jurisdictions, and a tombstone).
``synthetic_sources`` writes large lists of random 256-bit values for benchmarks. Nothing here
is, or derives from, a real hash list.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from vouchsafe.sdk.crypto import ed25519
from vouchsafe.sdk.media.signal_types import get_signal_type
from vouchsafe.server.confirmation.key import generate_confirmation_key, write_confirmation_key
from vouchsafe.server.confirmation.keyed_hash import ConfirmationHasher
from vouchsafe.server.hashset.bundle import write_private
from vouchsafe.server.hashset.sources import (
    Organisation,
    OrganisationRegistry,
    SourceRecord,
    write_registry,
    write_source_list,
)

DEMO_LABEL = "benign-demo-stand-in"
REGISTRY_FILE = "organisations.json"
KEYS_DIR = "keys"
CONFIRMATION_KEY_NAME = "provider-confirmation.key"
# Example organisations (fictional) and their jurisdictions.
DEMO_ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("example-hotline-a", "DE"),
    ("example-hotline-b", "NL"),
    ("example-hotline-c", "DE"),
)


@dataclass(frozen=True)
class DemoSources:
    """What a demo-sources run wrote."""

    folder: Path
    registry_path: Path
    source_paths: tuple[Path, ...]
    key_paths: tuple[Path, ...]
    # The provider's confirmation key the lists' confirmation hashes were made under (if any).
    confirmation_key_path: Path | None = None


def pdq_of_pil(image: Image.Image) -> bytes:
    """The 32-byte PDQ hash of a decoded image (PDQ from ``vouchsafe.sdk.media``)."""
    return get_signal_type("pdq").hash_media(image.convert("RGB")).bits


def pdq_of_image(path: Path) -> bytes:
    """The 32-byte PDQ hash of an image file."""
    with Image.open(path) as image:
        return pdq_of_pil(image)


def _write_orgs(folder: Path) -> tuple[OrganisationRegistry, list[bytes], list[Path]]:
    keys_dir = folder / KEYS_DIR
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_keys, key_paths, orgs = [], [], []
    for name, jurisdiction in DEMO_ORGANISATIONS:
        private_key = ed25519.generate_private_key()
        key_path = keys_dir / f"{name}.key"
        write_private(key_path, private_key.hex().encode() + b"\n")
        private_keys.append(private_key)
        key_paths.append(key_path)
        orgs.append(Organisation(name, jurisdiction, ed25519.public_key(private_key)))
    registry = OrganisationRegistry(tuple(orgs))
    write_registry(folder / REGISTRY_FILE, registry)
    return registry, private_keys, key_paths


def _write_lists(
    folder: Path,
    registry: OrganisationRegistry,
    private_keys: Sequence[bytes],
    records_of: Sequence[Iterator[SourceRecord]],
    issued_at: int,
    confirmation_key_id: str = "",
) -> list[Path]:
    paths = []
    for org, key, records in zip(registry.organisations, private_keys, records_of, strict=True):
        path = folder / f"{org.name}.jsonl"
        write_source_list(
            path,
            organisation=org.name,
            private_key=key,
            list_id=f"{org.name}-{issued_at}",
            issued_at=issued_at,
            records=records,
            confirmation_key_id=confirmation_key_id,
        )
        paths.append(path)
    return paths


def corpus_demo_sources(
    folder: Path,
    images: Sequence[Path],
    issued_at: int,
    withdraw: bool = True,
    singles: Sequence[Path] = (),
) -> DemoSources:
    """Three signed lists over ``images``' PDQ hashes (needs at least 8 images).

    With n images split in thirds: A (DE) lists the first two thirds, B (NL) the last two
    thirds, C (DE) the first and last third, so every image has two organisations and the
    first third only one jurisdiction; with ``withdraw``, B withdraws the middle image. So the
    default rule admits n - 1 entries, the jurisdiction rule excludes the first third too.
    ``singles`` are further images only A lists (excluded: too few organisations).
    """
    if len(images) < 8:
        raise ValueError("the demo needs at least 8 images")
    folder.mkdir(parents=True, exist_ok=True)
    registry, keys, key_paths = _write_orgs(folder)
    confirmation_key = generate_confirmation_key()
    confirmation_path = folder / KEYS_DIR / CONFIRMATION_KEY_NAME
    write_confirmation_key(confirmation_path, confirmation_key)
    hasher = ConfirmationHasher(confirmation_key)
    hashes = [_both_hashes(p, hasher) for p in images]
    lone = [_both_hashes(p, hasher) for p in singles]
    third = len(hashes) // 3
    a = hashes[: 2 * third] + lone
    b = hashes[third:]
    c = hashes[:third] + hashes[2 * third :]
    Pair = tuple[bytes, bytes]

    def records(values: Sequence[Pair], tombstone: Pair | None = None) -> Iterator[SourceRecord]:
        for value, confirmation in values:
            if tombstone is None or value != tombstone[0]:
                yield SourceRecord(
                    "pdq", value, issued_at, labels=(DEMO_LABEL,), confirmation_hash=confirmation
                )
        if tombstone is not None:
            yield SourceRecord("pdq", tombstone[0], issued_at, op="withdraw")

    middle = hashes[len(hashes) // 2] if withdraw else None
    paths = _write_lists(
        folder,
        registry,
        keys,
        [records(a), records(b, middle), records(c)],
        issued_at,
        confirmation_key.key_id,
    )
    manifest = {
        "images": [p.name for p in images],
        "singles": [p.name for p in singles],
        "label": DEMO_LABEL,
    }
    (folder / "images.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return DemoSources(
        folder, folder / REGISTRY_FILE, tuple(paths), tuple(key_paths), confirmation_path
    )


def _both_hashes(path: Path, hasher: ConfirmationHasher) -> tuple[bytes, bytes]:
    """(PDQ, keyed confirmation listing) of an image file, as a source organisation lists it."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    return pdq_of_pil(rgb), hasher.listing(rgb)


def synthetic_sources(folder: Path, entries: int, issued_at: int) -> DemoSources:
    """Lists of random 256-bit values: ``entries`` listed by orgs A and B, a few more by C alone.

    With the default rule exactly ``entries`` entries are admitted.
    """
    folder.mkdir(parents=True, exist_ok=True)
    registry, keys, key_paths = _write_orgs(folder)
    seed = secrets.token_bytes(16)

    def value(i: int) -> bytes:
        return hashlib.sha256(seed + i.to_bytes(8, "big")).digest()

    def shared() -> Iterator[SourceRecord]:
        return (SourceRecord("pdq", value(i), issued_at) for i in range(entries))

    def lone() -> Iterator[SourceRecord]:
        return (SourceRecord("pdq", value(entries + i), issued_at) for i in range(entries // 100))

    paths = _write_lists(folder, registry, keys, [shared(), shared(), lone()], issued_at)
    return DemoSources(folder, folder / REGISTRY_FILE, tuple(paths), tuple(key_paths))
