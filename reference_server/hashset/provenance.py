"""The provenance rule: which entries of the source lists enter the hash set, and why not.

An entry is (signal type, full perceptual hash). It is **admitted** when no source list
withdraws it (a tombstone from any registered organisation removes it: withdrawal only ever
narrows the set) and it is listed by at least ``min_sources`` distinct organisations or, under
``independence="jurisdiction"``, by organisations from at least ``min_sources`` distinct
jurisdictions. Several lists from one organisation count once. Every admitted entry keeps its
provenance (which organisations, which lists, when); every excluded one is counted by reason.
The work is column-wise (numpy), so a million entries need tens of bytes each, not objects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from vouchsafe.server.hashset.sources import (
    CONFIRMATION_HASH_SIZE,
    OP_ADD,
    OP_WITHDRAW,
    SIGNAL_TYPES,
    OrganisationRegistry,
    SourceList,
)

Independence = Literal["organisation", "jurisdiction"]
DEFAULT_MIN_SOURCES = 2

REASON_WITHDRAWN = "withdrawn"
REASON_TOO_FEW_ORGANISATIONS = "too_few_organisations"
REASON_TOO_FEW_JURISDICTIONS = "too_few_jurisdictions"
REASON_UNSUPPORTED_SIGNAL_TYPE = "unsupported_signal_type"


@dataclass(frozen=True)
class InclusionRule:
    """How many independent sources an entry needs, and what counts as independent."""

    min_sources: int = DEFAULT_MIN_SOURCES
    independence: Independence = "organisation"

    def describe(self) -> str:
        """One line for reports: e.g. ``>= 2 distinct organisations, no withdrawal``."""
        noun = "organisations" if self.independence == "organisation" else "jurisdictions"
        return f">= {self.min_sources} distinct {noun}, no withdrawal"


@dataclass(frozen=True)
class SourceListing:
    """One organisation's listing of an admitted entry."""

    organisation: str
    jurisdiction: str
    list_id: str
    listed_at: int
    labels: tuple[str, ...]
    # The source's keyed confirmation hashes of the item (1 to 8 concatenated 32-byte hashes: its
    # tone variants) and the key they were made under (or empty).
    confirmation_hash: bytes = b""
    confirmation_key_id: str = ""


@dataclass(frozen=True)
class HashSetEntry:
    """An admitted entry with its provenance."""

    signal_type: str
    perceptual_hash: bytes
    listings: tuple[SourceListing, ...]

    def confirmation_hashes(self, key_id: str) -> tuple[bytes, ...]:
        """The distinct confirmation hashes listed for this entry under the key ``key_id`` (each
        listing split into its 32-byte hashes)."""
        size = CONFIRMATION_HASH_SIZE
        found = (x.confirmation_hash for x in self.listings if x.confirmation_key_id == key_id)
        return tuple(
            dict.fromkeys(h[i : i + size] for h in found if h for i in range(0, len(h), size))
        )


@dataclass
class Selection:
    """The outcome of the rule: admitted entries (sorted) and exclusion counts by reason."""

    rule: InclusionRule
    admitted_codes: npt.NDArray[np.uint8]
    admitted_hashes: npt.NDArray[np.uint8]
    exclusions: Counter[str]
    _sources: Sequence[SourceList]
    _registry: OrganisationRegistry
    _record_source: npt.NDArray[np.uint16]
    _record_index: npt.NDArray[np.int64]
    _group_start: npt.NDArray[np.int64]
    _group_end: npt.NDArray[np.int64]

    @property
    def entry_count(self) -> int:
        """Number of admitted entries."""
        return int(self.admitted_codes.shape[0])

    def signal_types(self) -> list[str]:
        """The signal types of the admitted entries, sorted."""
        return sorted(SIGNAL_TYPES[int(c)] for c in np.unique(self.admitted_codes))

    def entry_keys(self) -> Iterator[tuple[str, bytes]]:
        """(signal type, full perceptual hash) of each admitted entry, in a fixed order."""
        for code, row in zip(self.admitted_codes, self.admitted_hashes, strict=True):
            yield SIGNAL_TYPES[int(code)], row.tobytes()

    def entries(self) -> Iterator[HashSetEntry]:
        """Each admitted entry with its listings, in the order of :meth:`entry_keys`."""
        for i, (signal_type, value) in enumerate(self.entry_keys()):
            listings = []
            for r in range(int(self._group_start[i]), int(self._group_end[i])):
                source = self._sources[int(self._record_source[r])]
                index = int(self._record_index[r])
                if int(source.ops[index]) != OP_ADD:
                    continue
                org = self._registry.organisations[self._registry.index(source.organisation)]
                listings.append(
                    SourceListing(
                        organisation=org.name,
                        jurisdiction=org.jurisdiction,
                        list_id=source.list_id,
                        listed_at=int(source.listed_at[index]),
                        labels=source.labels.get(index, ()),
                        confirmation_hash=source.confirmation_hashes.get(index, b""),
                        confirmation_key_id=source.confirmation_key_id
                        if index in source.confirmation_hashes
                        else "",
                    )
                )
            yield HashSetEntry(signal_type, value, tuple(listings))


def _popcount(masks: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    as_bytes = masks.astype("<i8").view(np.uint8).reshape(-1, 8)
    counts: npt.NDArray[np.int64] = np.unpackbits(as_bytes, axis=1).sum(axis=1, dtype=np.int64)
    return counts


def select_entries(
    sources: Sequence[SourceList], registry: OrganisationRegistry, rule: InclusionRule
) -> Selection:
    """Applies the provenance rule to verified source lists (see module docstring)."""
    if rule.min_sources < 1:
        raise ValueError("min_sources must be at least 1")
    jurisdictions = registry.jurisdictions()
    org_bits, jur_bits, codes, rows, ops, rec_src, rec_idx = [], [], [], [], [], [], []
    exclusions: Counter[str] = Counter()
    for s, source in enumerate(sources):
        exclusions[REASON_UNSUPPORTED_SIGNAL_TYPE] += source.unsupported_signal_type
        org_index = registry.index(source.organisation)
        jur_index = jurisdictions.index(registry.organisations[org_index].jurisdiction)
        n = len(source)
        org_bits.append(np.full(n, 1 << org_index, dtype=np.int64))
        jur_bits.append(np.full(n, 1 << jur_index, dtype=np.int64))
        codes.append(source.signal_codes)
        rows.append(source.hashes)
        ops.append(source.ops)
        rec_src.append(np.full(n, s, dtype=np.uint16))
        rec_idx.append(np.arange(n, dtype=np.int64))
    if not sources:
        raise ValueError("no source lists given")
    all_codes = np.concatenate(codes)
    all_rows = np.ascontiguousarray(np.concatenate(rows))
    words = all_rows.view(np.uint64)  # shape (n, 4): any total order groups equal hashes
    order = np.lexsort((words[:, 3], words[:, 2], words[:, 1], words[:, 0], all_codes))
    del words
    s_codes = all_codes[order]
    s_rows = all_rows[order]
    del all_codes, all_rows
    n = int(order.shape[0])
    if n:
        change = np.empty(n, dtype=bool)
        change[0] = True
        change[1:] = (s_codes[1:] != s_codes[:-1]) | np.any(s_rows[1:] != s_rows[:-1], axis=1)
        starts = np.flatnonzero(change).astype(np.int64)
    else:
        starts = np.zeros(0, dtype=np.int64)
    ends = np.append(starts[1:], n).astype(np.int64)
    s_org = np.concatenate(org_bits)[order]
    s_jur = np.concatenate(jur_bits)[order]
    s_ops = np.concatenate(ops)[order]
    adds = s_ops == OP_ADD
    if n:
        add_orgs = np.bitwise_or.reduceat(np.where(adds, s_org, 0), starts)
        add_jurs = np.bitwise_or.reduceat(np.where(adds, s_jur, 0), starts)
        withdrawn = np.logical_or.reduceat(s_ops == OP_WITHDRAW, starts)
    else:
        add_orgs = add_jurs = np.zeros(0, dtype=np.int64)
        withdrawn = np.zeros(0, dtype=bool)
    org_count = _popcount(add_orgs)
    jur_count = _popcount(add_jurs)
    enough_orgs = org_count >= rule.min_sources
    if rule.independence == "jurisdiction":
        enough = enough_orgs & (jur_count >= rule.min_sources)
    else:
        enough = enough_orgs
    admitted = enough & ~withdrawn
    exclusions[REASON_WITHDRAWN] += int(np.count_nonzero(withdrawn))
    exclusions[REASON_TOO_FEW_ORGANISATIONS] += int(np.count_nonzero(~withdrawn & ~enough_orgs))
    if rule.independence == "jurisdiction":
        exclusions[REASON_TOO_FEW_JURISDICTIONS] += int(
            np.count_nonzero(~withdrawn & enough_orgs & ~enough)
        )
    keep = np.flatnonzero(admitted)
    return Selection(
        rule=rule,
        admitted_codes=s_codes[starts[keep]],
        admitted_hashes=s_rows[starts[keep]],
        exclusions=+exclusions,
        _sources=sources,
        _registry=registry,
        _record_source=np.concatenate(rec_src)[order],
        _record_index=np.concatenate(rec_idx)[order],
        _group_start=starts[keep],
        _group_end=ends[keep],
    )
