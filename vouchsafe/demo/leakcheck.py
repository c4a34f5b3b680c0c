"""Searching the server's stored files for plaintext the users sent (there must be none).

The check is deliberately literal: every sent text (as UTF-8 and as hex) and slices taken from
every sent photo's bytes are searched for in the raw bytes of the database, its WAL and shared-
memory files, and the server's log. A hit names the needle's label, never the secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SLICE_BYTES = 48
SLICE_POSITIONS = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class Needle:
    """Something that must not appear on the server, with a label safe to print."""

    label: str
    data: bytes


def text_needles(label: str, text: str) -> list[Needle]:
    """A sent text as UTF-8 and as lowercase hex."""
    raw = text.encode("utf-8")
    return [Needle(label, raw), Needle(f"{label} (hex)", raw.hex().encode("ascii"))]


def media_needles(label: str, data: bytes) -> list[Needle]:
    """Slices of a sent photo from inside its compressed data (headers are shared by many files,
    so they are skipped)."""
    needles = []
    for position in SLICE_POSITIONS:
        start = int(len(data) * position)
        piece = data[start : start + SLICE_BYTES]
        if len(piece) == SLICE_BYTES:
            needles.append(Needle(f"{label} @{position:.0%}", piece))
    return needles


def server_files(db_path: Path, logs: Iterable[Path]) -> list[Path]:
    """The database, its -wal/-journal/-shm companions and the logs, where they exist."""
    candidates = [
        db_path,
        *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal")),
        *logs,
    ]
    return [p for p in candidates if p.is_file()]


def find_plaintext(files: Iterable[Path], needles: Iterable[Needle]) -> list[str]:
    """Labels of needles found in any of ``files`` (empty: nothing leaked), with the file name."""
    contents = {path: path.read_bytes() for path in files}
    found = []
    for needle in needles:
        for path, data in contents.items():
            if needle.data in data:
                found.append(f"{needle.label} in {path.name}")
    return found
