"""Runs one population through detection modes and measures each run.

Every figure comes from the run: recall and false flags from the mode's own verdicts against the
ground truth; bytes from the transcript (delivery of the E2EE item itself is counted apart, as
``deliver``); CPU time from the per-party timers, plus the device's measured hashing time for
every mode in which the device hashes; the leakage ledger from the transcript.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from vouchsafe.compare.ledger import PartyLedger, derive_ledger
from vouchsafe.compare.modes import make_mode
from vouchsafe.compare.modes.base import DetectionMode, ModeConfig, NotAvailable
from vouchsafe.compare.modes.common import DELIVER_STEP
from vouchsafe.compare.population import COLLIDING, KNOWN, Population
from vouchsafe.compare.signals import Signals
from vouchsafe.compare.transcript import DEVICE, HASH_SOURCE, Phase, Transcript

SERVER_HASHING_MODES = frozenset({"none", "server_plaintext"})


@dataclass(frozen=True)
class ModeResult:
    """The measured outcome of one mode on one population."""

    name: str
    title: str
    summary: str
    available: bool
    reason: str = ""
    items: int = 0
    known_items_sent: int = 0
    known_items_detected: int = 0
    offenders: int = 0
    offenders_flagged: int = 0
    false_item_matches: int = 0
    colliding_items_sent: int = 0
    colliding_items_matched: int = 0
    false_flag_accounts: tuple[str, ...] = ()
    bytes_up_per_item: float = 0.0
    bytes_down_per_item: float = 0.0
    service_bytes_per_item: float = 0.0
    delivery_bytes_per_item: float = 0.0
    setup_bytes_to_device: int = 0
    setup_bytes_total: int = 0
    client_cpu_ms_per_item: float = 0.0
    server_cpu_ms_per_item: float = 0.0
    cpu_ms_per_item_by_party: dict[str, float] = field(default_factory=dict)
    setup_cpu_ms_by_party: dict[str, float] = field(default_factory=dict)
    ledger: tuple[PartyLedger, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict)
    known_detected_by_transform: dict[str, str] = field(default_factory=dict)

    @property
    def item_recall(self) -> float | None:
        """Share of known items sent that the provider knows to be matches."""
        return self.known_items_detected / self.known_items_sent if self.known_items_sent else None

    @property
    def account_recall(self) -> float | None:
        """Share of accounts with >= threshold known items that were flagged."""
        return self.offenders_flagged / self.offenders if self.offenders else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the derived rates."""
        data = asdict(self)
        data["ledger"] = [p.as_dict() for p in self.ledger]
        data["item_recall"] = self.item_recall
        data["account_recall"] = self.account_recall
        return data


def run_mode(mode: DetectionMode, population: Population) -> tuple[ModeResult, Transcript]:
    """Sends every item of ``population`` through ``mode`` and measures it."""
    scenario = population.scenario
    wire = Transcript(mode.name)
    config = ModeConfig(
        threshold=scenario.threshold, synthetic_rate=scenario.synthetic_rate, seed=scenario.seed
    )
    mode.setup(population.hash_set, config, wire)
    for item in population.items:
        mode.send_item(item, wire)
    verdicts = mode.finish(wire)
    return _measure(mode, population, wire, verdicts.matched_items, verdicts.flagged_accounts), wire


def _measure(
    mode: DetectionMode,
    population: Population,
    wire: Transcript,
    matched: frozenset[str],
    flagged: frozenset[str],
) -> ModeResult:
    n = len(population.items)
    truth = population.truth
    known = {i for i, t in truth.items() if t.kind == KNOWN}
    colliding = {i for i, t in truth.items() if t.kind == COLLIDING}
    offenders = population.offenders()
    detection = [r for r in wire.records if r.phase == Phase.ITEM and r.step != DELIVER_STEP]
    delivery = [r for r in wire.records if r.step == DELIVER_STEP]
    setup = [r for r in wire.records if r.phase == Phase.SETUP]
    parties = [p for p in wire.parties() if p != HASH_SOURCE]
    per_item_cpu = {p: 1000 * wire.cpu_of(p, Phase.ITEM) / n for p in parties}
    per_item_cpu.update(
        {p: per_item_cpu.get(p, 0.0) + 1000 * wire.cpu_of(p, Phase.FINISH) / n for p in parties}
    )
    device_cpu = (
        population.device_candidates_cpu if mode.uses_candidates else population.device_hash_cpu
    )
    hashing_ms = 1000 * sum(device_cpu.values()) / n
    if mode.name not in SERVER_HASHING_MODES:
        per_item_cpu[DEVICE] = per_item_cpu.get(DEVICE, 0.0) + hashing_ms
    return ModeResult(
        name=mode.name,
        title=mode.title,
        summary=mode.summary,
        available=True,
        items=n,
        known_items_sent=len(known),
        known_items_detected=len(matched & known),
        offenders=len(offenders),
        offenders_flagged=len(flagged & offenders),
        false_item_matches=len(matched - known - colliding),
        colliding_items_sent=len(colliding),
        colliding_items_matched=len(matched & colliding),
        false_flag_accounts=tuple(sorted(flagged - offenders)),
        bytes_up_per_item=sum(r.size for r in detection if r.sender == DEVICE) / n,
        bytes_down_per_item=sum(r.size for r in detection if r.receiver == DEVICE) / n,
        service_bytes_per_item=sum(
            r.size for r in detection if DEVICE not in (r.sender, r.receiver)
        )
        / n,
        delivery_bytes_per_item=sum(r.size for r in delivery) / n,
        setup_bytes_to_device=sum(r.size for r in setup if r.receiver == DEVICE),
        setup_bytes_total=sum(r.size for r in setup),
        client_cpu_ms_per_item=per_item_cpu.get(DEVICE, 0.0),
        server_cpu_ms_per_item=sum(v for p, v in per_item_cpu.items() if p != DEVICE),
        cpu_ms_per_item_by_party=per_item_cpu,
        setup_cpu_ms_by_party={p: 1000 * wire.cpu_of(p, Phase.SETUP) for p in parties},
        ledger=tuple(derive_ledger(wire, population.items, population.hash_set)),
        extras=dict(mode.extras()),
        known_detected_by_transform=_by_transform(population, matched & known),
    )


def _by_transform(population: Population, detected: frozenset[str]) -> dict[str, str]:
    """ "detected/sent" of known items per transform they went through."""
    sent: dict[str, int] = {}
    hit: dict[str, int] = {}
    for item_id, truth in population.truth.items():
        if truth.kind == KNOWN:
            sent[truth.transform] = sent.get(truth.transform, 0) + 1
            hit[truth.transform] = hit.get(truth.transform, 0) + (item_id in detected)
    return {t: f"{hit[t]}/{sent[t]}" for t in sorted(sent)}


def sample_population(population: Population, limit: int) -> Population:
    """At most ``limit`` items for a slow mode: every known and crafted item first, then the
    others in order; the same accounts and hash set."""
    if len(population.items) <= limit:
        return population
    special = [
        i for i in population.items if population.truth[i.item_id].kind in (KNOWN, COLLIDING)
    ]
    chosen = {i.item_id for i in special[:limit]}
    for item in population.items:
        if len(chosen) >= limit:
            break
        chosen.add(item.item_id)
    items = tuple(i for i in population.items if i.item_id in chosen)
    return replace(
        population,
        items=items,
        device_hash_cpu={i.item_id: population.device_hash_cpu[i.item_id] for i in items},
        device_candidates_cpu={
            i.item_id: population.device_candidates_cpu[i.item_id] for i in items
        },
    )


def run_all(
    population: Population,
    signals: Signals,
    names: Sequence[str],
    on_mode: Callable[[str], None] | None = None,
    done: Callable[[str], None] | None = None,
) -> list[ModeResult]:
    """Runs each named mode (fresh instance) on ``population``; unavailable ones are reported."""
    results: list[ModeResult] = []
    for name in names:
        if on_mode is not None:
            on_mode(name)
        mode = make_mode(name, signals)
        if isinstance(mode, NotAvailable):
            results.append(
                ModeResult(name=name, title=name, summary="", available=False, reason=mode.reason)
            )
            if done is not None:
                done(name)
            continue
        limit = getattr(mode, "max_items", None)
        sample = population if limit is None else sample_population(population, int(limit))
        result, _wire = run_mode(mode, sample)
        if sample is not population:
            result.extras["items_run"] = f"{len(sample.items)} of {len(population.items)}"
        results.append(result)
        if done is not None:
            done(name)
    return results
