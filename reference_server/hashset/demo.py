"""Benign demo data for the hash-set tooling: organisations, keys and signed source lists.

``corpus_demo_sources`` hashes images from the shared benign corpus with PDQ and spreads them
over three example organisations so that the provenance rule has something to do (entries
listed by one, two or three organisations, in one or two jurisdictions, and a tombstone).
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
    hashes = [pdq_of_image(p) for p in images]
    lone = [pdq_of_image(p) for p in singles]
    third = len(hashes) // 3
    a = hashes[: 2 * third] + lone
    b = hashes[third:]
    c = hashes[:third] + hashes[2 * third :]
    registry, keys, key_paths = _write_orgs(folder)

    def records(values: Sequence[bytes], tombstone: bytes | None = None) -> Iterator[SourceRecord]:
        for value in values:
            if value != tombstone:
                yield SourceRecord("pdq", value, issued_at, labels=(DEMO_LABEL,))
        if tombstone is not None:
            yield SourceRecord("pdq", tombstone, issued_at, op="withdraw")

    middle = hashes[len(hashes) // 2] if withdraw else None
    paths = _write_lists(
        folder, registry, keys, [records(a), records(b, middle), records(c)], issued_at
    )
    manifest = {
        "images": [p.name for p in images],
        "singles": [p.name for p in singles],
        "label": DEMO_LABEL,
    }
    (folder / "images.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return DemoSources(folder, folder / REGISTRY_FILE, tuple(paths), tuple(key_paths))


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
