"""Comparing two release folders: what changed, and what a delta update costs.

Public part: versions, chain link, changed slots and the size of the release delta (changed
slots only) against the full release. Private part, when both folders hold a server bundle:
entries added and removed, by (signal type, hash), for the provider's own change log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vouchsafe.server.hashset import bundle as layout
from vouchsafe.server.hashset.release_file import changed_slots, make_delta


@dataclass(frozen=True)
class ReleaseDiff:
    """The difference between an old and a new release folder."""

    old_version: int
    new_version: int
    chained: bool
    old_slots: int
    new_slots: int
    changed_slots: int
    full_bytes: int
    delta: bytes
    entries_added: int | None
    entries_removed: int | None

    @property
    def delta_bytes(self) -> int:
        """Size of the release delta (changed slots only)."""
        return len(self.delta)

    def lines(self) -> list[str]:
        """A human-readable summary."""
        out = [
            f"release {self.old_version} -> {self.new_version}"
            + ("" if self.chained else " (NOT chained: new does not name old as predecessor)"),
            f"slots: {self.old_slots} -> {self.new_slots}, changed: {self.changed_slots}",
            f"full release: {self.full_bytes} bytes; delta: {self.delta_bytes} bytes "
            f"({100.0 * self.delta_bytes / max(1, self.full_bytes):.1f}%)",
        ]
        if self.entries_added is not None:
            out.append(f"entries: +{self.entries_added} -{self.entries_removed} (private bundle)")
        return out


def _entry_keys(directory: Path) -> set[tuple[str, str]] | None:
    path = directory / layout.PRIVATE_DIR / layout.ENTRIES_FILE
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        return {(d["signal_type"], d["hash"]) for d in map(json.loads, handle)}


def diff_releases(old_dir: Path, new_dir: Path) -> ReleaseDiff:
    """Verifies both releases (expiry aside) and compares them."""
    old = layout.load_public_release(old_dir)
    new = layout.load_public_release(new_dir)
    old_data = (old_dir / layout.RELEASE_FILE).read_bytes()
    new_data = (new_dir / layout.RELEASE_FILE).read_bytes()
    old_entries, new_entries = _entry_keys(old_dir), _entry_keys(new_dir)
    added = removed = None
    if old_entries is not None and new_entries is not None:
        added, removed = len(new_entries - old_entries), len(old_entries - new_entries)
    return ReleaseDiff(
        old_version=old.version,
        new_version=new.version,
        chained=new.previous_release_digest == old.digest,
        old_slots=old.slot_count,
        new_slots=new.slot_count,
        changed_slots=len(changed_slots(old.table, new.table)),
        full_bytes=len(new_data),
        delta=make_delta(old_data, new_data),
        entries_added=added,
        entries_removed=removed,
    )
