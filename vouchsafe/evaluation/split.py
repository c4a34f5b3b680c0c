"""The deterministic fit / held-out split of an image folder.

Schemes are fitted on one half of ``../shared/corpus`` and reported on the other: an image is in
the **fit** split when the first hex digit of its SHA-256 (MANIFEST.tsv, or of the file's bytes
when there is no manifest) is 0-7, else **held out**. The split depends on content only, so it
is the same on every machine and for every run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SPLITS = ("held_out", "fit", "all")


def split_of(sha256_hex: str) -> str:
    """``fit`` or ``held_out`` for an image of SHA-256 ``sha256_hex``."""
    return "fit" if int(sha256_hex[0], 16) < 8 else "held_out"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def in_split(split: str, sha256_hex: str) -> bool:
    """Whether an image belongs to ``split`` (one of :data:`SPLITS`)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")
    return split == "all" or split_of(sha256_hex) == split
