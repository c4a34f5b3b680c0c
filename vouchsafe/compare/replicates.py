"""The same scenario run over several seeds, pooled per mode with 95% intervals.

Each seed builds its own population (other photos, other transforms, other accounts' order) and
runs every mode on it. Counts are pooled over the seeds (Wilson intervals); per-item means
(bytes, CPU) get a bootstrap interval over the seeds. Besides what each mode's provider
learned, the harness measures per item whether the item *would count as a match* for the mode
were its account past the threshold: for ``tpsi`` that is the PSI candidate hit confirmed at
PDQ <= 31 and by the keyed confirmation hash of its derivative (what the provider checks once it
can read an item; the keyed check under a fresh key, against the listing of the entry PDQ
matched, or passed when that entry has none), since below the threshold tpsi reveals nothing
per item; for every other mode it is what the provider learned. tpsi's rate is
then scaled by ``1 - synthetic_rate``: a voucher is synthetic with that chance whether or not the
item matches, and a real match sent as a synthetic voucher is never counted (SPEC sections 6 and
12). These per-item probabilities drive the population model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from vouchsafe.compare.ledger import PartyLedger
from vouchsafe.compare.matching import HashTable
from vouchsafe.compare.modes.tpsi_mode import MAX_CANDIDATES as TPSI_MAX_CANDIDATES
from vouchsafe.compare.population import COLLIDING, KNOWN, Population
from vouchsafe.compare.run import ModeResult
from vouchsafe.compare.stats import Estimate, bootstrap_mean, wilson
from vouchsafe.compare.transcript import DEVICE, HASH_SOURCE
from vouchsafe.sdk.media.pdq import PDQ_MATCH_DISTANCE

# Modes whose provider learns item results only past the threshold.
THRESHOLD_GATED = frozenset({"tpsi"})


@dataclass(frozen=True)
class Counts:
    """successes / trials, pooled over seeds."""

    successes: int = 0
    trials: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.successes + other.successes, self.trials + other.trials)

    @property
    def failures(self) -> int:
        """trials - successes."""
        return self.trials - self.successes

    @property
    def estimate(self) -> Estimate | None:
        """Wilson 95% interval (None without trials)."""
        return wilson(self.successes, self.trials)


@dataclass(frozen=True)
class SeedMeasure:
    """The per-item match outcome the model needs, for one mode on one seed."""

    detection: Counts
    detection_by_transform: dict[str, Counts]
    false_match: Counts


@dataclass
class ModeSummary:
    """One mode over every seed."""

    name: str
    title: str
    summary: str
    available: bool
    reason: str = ""
    runs: list[ModeResult] = field(default_factory=list)
    measures: list[SeedMeasure] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)
    detection_scale: float = 1.0

    def _pool(self, key: Callable[[ModeResult], tuple[int, int]]) -> Counts:
        total = Counts()
        for run in self.runs:
            total = total + Counts(*key(run))
        return total

    @property
    def item_recall(self) -> Counts:
        """Known items the provider knew to be matches / known items sent."""
        return self._pool(lambda r: (r.known_items_detected, r.known_items_sent))

    @property
    def account_recall(self) -> Counts:
        """Accounts flagged / accounts that sent at least t known items."""
        return self._pool(lambda r: (r.offenders_flagged, r.offenders))

    @property
    def false_flags(self) -> Counts:
        """Accounts flagged without t known items / such accounts."""
        total = Counts()
        for run, accounts in zip(self.runs, self.accounts, strict=True):
            total = total + Counts(len(run.false_flag_accounts), accounts - run.offenders)
        return total

    @property
    def colliding_matched(self) -> Counts:
        """Crafted colliding images matched / sent."""
        return self._pool(lambda r: (r.colliding_items_matched, r.colliding_items_sent))

    @property
    def detection(self) -> Counts:
        """Per known item: counts as a match when its account is past the threshold."""
        total = Counts()
        for m in self.measures:
            total = total + m.detection
        return total

    @property
    def detection_estimate(self) -> Estimate | None:
        """:attr:`detection` as a rate with its Wilson interval, times ``detection_scale``
        (tpsi's ``1 - synthetic_rate``; 1 for every other mode)."""
        e = self.detection.estimate
        if e is None or self.detection_scale == 1.0:
            return e
        k = self.detection_scale
        return Estimate(k * e.value, k * e.low, k * e.high, e.successes, e.trials)

    @property
    def detection_by_transform(self) -> dict[str, Counts]:
        """:attr:`detection` per transform the known item went through."""
        out: dict[str, Counts] = {}
        for m in self.measures:
            for name, c in m.detection_by_transform.items():
                out[name] = out.get(name, Counts()) + c
        return dict(sorted(out.items()))

    @property
    def false_match(self) -> Counts:
        """Per ordinary item (neither known nor crafted): counts as a match."""
        total = Counts()
        for m in self.measures:
            total = total + m.false_match
        return total

    def mean(self, key: Callable[[ModeResult], float]) -> Estimate | None:
        """Mean over seeds of a per-run figure, bootstrap 95% interval."""
        return bootstrap_mean([key(r) for r in self.runs])

    @property
    def leaked_items(self) -> Counts:
        """Items about which the most-informed party other than the device holds the hash, the
        media or a match result, pooled over seeds."""
        return self._pool(lambda r: (max(_leaked_by_party(r).values(), default=0), r.items))

    def leakage_by_party(self) -> dict[str, Counts]:
        """Per party (device and hash source left out): items it knows something about."""
        out: dict[str, Counts] = {}
        for run in self.runs:
            for party, n in _leaked_by_party(run).items():
                out[party] = out.get(party, Counts()) + Counts(n, run.items)
        return out

    def pooled_ledger(self) -> list[PartyLedger]:
        """Every party's ledger summed over seeds (prefix bits per item averaged)."""
        parties: dict[str, list[PartyLedger]] = {}
        for run in self.runs:
            for p in run.ledger:
                parties.setdefault(p.party, []).append(p)
        pooled = []
        for party, rows in parties.items():
            opaque: dict[str, int] = {}
            for r in rows:
                for k, v in r.opaque_fields.items():
                    opaque[k] = opaque.get(k, 0) + v
            pooled.append(
                PartyLedger(
                    party=party,
                    messages_received=sum(r.messages_received for r in rows),
                    bytes_received=sum(r.bytes_received for r in rows),
                    media_in_clear=sum(r.media_in_clear for r in rows),
                    item_hashes_in_clear=sum(r.item_hashes_in_clear for r in rows),
                    hash_set_entries_in_clear=max(r.hash_set_entries_in_clear for r in rows),
                    hash_set_keys_in_clear=max(r.hash_set_keys_in_clear for r in rows),
                    prefix_bits_per_item=sum(r.prefix_bits_per_item for r in rows) / len(rows),
                    match_results_known=sum(r.match_results_known for r in rows),
                    positive_results_known=sum(r.positive_results_known for r in rows),
                    linkable_items=sum(r.linkable_items for r in rows),
                    opaque_fields=opaque,
                )
            )
        return pooled

    def pooled_result(self) -> ModeResult:
        """One :class:`ModeResult` with every count summed over seeds and per-item figures
        averaged (what the criteria table quotes)."""
        if not self.runs:
            return ModeResult(self.name, self.title, self.summary, False, self.reason)
        first = self.runs[0]
        n = len(self.runs)

        def total(key: Callable[[ModeResult], int]) -> int:
            return sum(key(r) for r in self.runs)

        def avg(key: Callable[[ModeResult], float]) -> float:
            return sum(key(r) for r in self.runs) / n

        return replace(
            first,
            items=total(lambda r: r.items),
            known_items_sent=total(lambda r: r.known_items_sent),
            known_items_detected=total(lambda r: r.known_items_detected),
            offenders=total(lambda r: r.offenders),
            offenders_flagged=total(lambda r: r.offenders_flagged),
            false_item_matches=total(lambda r: r.false_item_matches),
            colliding_items_sent=total(lambda r: r.colliding_items_sent),
            colliding_items_matched=total(lambda r: r.colliding_items_matched),
            false_flag_accounts=tuple(a for r in self.runs for a in r.false_flag_accounts),
            bytes_up_per_item=avg(lambda r: r.bytes_up_per_item),
            bytes_down_per_item=avg(lambda r: r.bytes_down_per_item),
            service_bytes_per_item=avg(lambda r: r.service_bytes_per_item),
            setup_bytes_to_device=round(avg(lambda r: r.setup_bytes_to_device)),
            client_cpu_ms_per_item=avg(lambda r: r.client_cpu_ms_per_item),
            server_cpu_ms_per_item=avg(lambda r: r.server_cpu_ms_per_item),
            ledger=tuple(self.pooled_ledger()),
        )


def _leaked_by_party(result: ModeResult) -> dict[str, int]:
    return {
        p.party: max(p.item_hashes_in_clear, p.media_in_clear, p.match_results_known)
        for p in result.ledger
        if p.party not in (DEVICE, HASH_SOURCE)
    }


@dataclass
class Replicates:
    """A scenario over several seeds: the seeds, per-seed populations' sizes, and per mode."""

    scenario_name: str
    seeds: list[int]
    modes: dict[str, ModeSummary]
    items_per_seed: list[int]
    accounts_per_seed: list[int]
    candidate_scheme: str
    settings: dict[str, Any] = field(default_factory=dict)


def signal_matches(population: Population) -> dict[str, bool]:
    """Per item: one of its first ``MAX_CANDIDATES`` PSI candidates (as tpsi sends them) is a
    key of the list, its full hash is within PDQ 31 of a list entry, and its derivative passes
    the keyed confirmation check against that entry's listing (if it has one); what a
    PSI-candidate design with both checks counts as a match once it may look."""
    from vouchsafe.sdk.errors import InvalidMedia
    from vouchsafe.sdk.media.decode import decode_image
    from vouchsafe.sdk.visual_derivative import visual_derivative
    from vouchsafe.server.confirmation.key import generate_confirmation_key
    from vouchsafe.server.confirmation.keyed_hash import (
        CONFIRMATION_MATCH_DISTANCE,
        ConfirmationHasher,
        listing_distance,
    )

    keys = {k for e in population.hash_set for k in e.keys}
    entries = list(population.hash_set)
    table = HashTable([e.perceptual_hash for e in entries])
    hasher = ConfirmationHasher(generate_confirmation_key())
    listed: dict[int, tuple[bytes, ...]] = {}
    out = {}
    for item in population.items:
        candidates = list(dict.fromkeys(item.candidates))[:TPSI_MAX_CANDIDATES]
        hit = any(c in keys for c in candidates)
        row = table.nearest_within(item.perceptual_hash, PDQ_MATCH_DISTANCE) if hit else None
        if row is not None and entries[row].tone_derivatives:
            if row not in listed:
                listed[row] = tuple(map(hasher.hash_derivative, entries[row].tone_derivatives))
            try:
                seen = hasher.hash_derivative(visual_derivative(decode_image(item.media)))
            except InvalidMedia:
                row = None
            else:
                if listing_distance(seen, listed[row]) > CONFIRMATION_MATCH_DISTANCE:
                    row = None
        out[item.item_id] = row is not None
    return out


def seed_measure(
    result: ModeResult, population: Population, signal: dict[str, bool] | None
) -> SeedMeasure:
    """The per-item outcome of ``result`` on ``population`` (see the module docstring)."""
    known = [i for i, t in population.truth.items() if t.kind == KNOWN]
    ordinary = [i for i, t in population.truth.items() if t.kind not in (KNOWN, COLLIDING)]
    if result.name in THRESHOLD_GATED and signal is not None:
        by_transform: dict[str, Counts] = {}
        for item_id in known:
            name = population.truth[item_id].transform
            by_transform[name] = by_transform.get(name, Counts()) + Counts(int(signal[item_id]), 1)
        detected = sum(signal[i] for i in known)
        false = sum(signal[i] for i in ordinary)
        return SeedMeasure(Counts(detected, len(known)), by_transform, Counts(false, len(ordinary)))
    by_transform = {}
    for name, ratio in result.known_detected_by_transform.items():
        hit, sent = ratio.split("/")
        by_transform[name] = Counts(int(hit), int(sent))
    return SeedMeasure(
        Counts(result.known_items_detected, result.known_items_sent),
        by_transform,
        Counts(result.false_item_matches, len(ordinary)),
    )


def add_seed(replicates: Replicates, population: Population, results: Sequence[ModeResult]) -> None:
    """Adds one seed's results to ``replicates``."""
    signal = signal_matches(population) if any(r.name in THRESHOLD_GATED for r in results) else None
    accounts = len(population.accounts())
    replicates.items_per_seed.append(len(population.items))
    replicates.accounts_per_seed.append(accounts)
    for r in results:
        summary = replicates.modes.setdefault(
            r.name, ModeSummary(r.name, r.title, r.summary, r.available, r.reason)
        )
        if not r.available:
            continue
        if r.name in THRESHOLD_GATED:
            summary.detection_scale = 1.0 - population.scenario.synthetic_rate
        summary.runs.append(r)
        summary.accounts.append(accounts)
        summary.measures.append(seed_measure(r, population, signal))
