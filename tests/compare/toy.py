"""A toy population at the hash level, for testing modes without decoding images.

Hashes are random 256-bit strings; a "known" item's hash is a hash-set entry with a few bits
flipped (as a re-encoded copy would be) and its PSI candidates include one of the entry's keys
(as a working candidate scheme would give); ordinary items get unrelated random hashes and
keys. The media bytes are random stand-ins that only ``server_plaintext`` looks at, through
:class:`ToySignals`.
"""

from __future__ import annotations

import hashlib

import numpy as np

from vouchsafe.compare.modes.base import DeviceItem, KnownEntry
from vouchsafe.compare.population import KNOWN, ORDINARY, Population, Truth
from vouchsafe.compare.scenario import Group, PopulationSettings, Scenario
from vouchsafe.compare.signals import ItemSignal
from vouchsafe.compare.study import Study


def keys_of(perceptual_hash: bytes) -> tuple[bytes, ...]:
    """Two toy PSI keys per hash-set entry."""
    return tuple(hashlib.sha256(bytes([i]) + perceptual_hash).digest()[:8] for i in range(2))


def flip_bits(value: bytes, count: int, rng: np.random.Generator) -> bytes:
    bits = np.unpackbits(np.frombuffer(value, np.uint8))
    for index in rng.choice(bits.size, size=count, replace=False):
        bits[index] ^= 1
    return np.packbits(bits).tobytes()


class ToySignals:
    """Maps the toy media bytes back to their hashes (what server-side hashing would find)."""

    name = "toy"
    candidate_scheme = "toy"

    def __init__(self) -> None:
        self.table: dict[bytes, tuple[bytes, int]] = {}

    def hash_media(self, media: bytes) -> tuple[bytes, int]:
        return self.table[media]

    def item_signal(self, media: bytes) -> ItemSignal:
        h, q = self.table[media]
        return ItemSignal(h, q, (), 0.0, 0.0)

    def hash_set_keys(self, perceptual_hash: bytes) -> tuple[bytes, ...]:
        return keys_of(perceptual_hash)


def toy_population(
    *,
    threshold: int = 2,
    known_per_offender: int = 3,
    ordinary_per_user: int = 3,
    users: int = 2,
    filler: int = 40,
    seed: int = 11,
    synthetic_rate: float = 0.0,
) -> tuple[Population, ToySignals]:
    """One offender sending ``known_per_offender`` known items, plus ordinary users."""
    rng = np.random.default_rng(seed)
    signals = ToySignals()
    known = [rng.bytes(32) for _ in range(4)]
    hash_set = tuple(
        KnownEntry(h, keys_of(h)) for h in [*known, *(rng.bytes(32) for _ in range(filler))]
    )
    items: list[DeviceItem] = []
    truth: dict[str, Truth] = {}

    def add(
        account: str, kind: str, h: bytes, candidates: tuple[bytes, ...], k: int | None
    ) -> None:
        media = rng.bytes(1500)
        signals.table[media] = (h, 90)
        item_id = f"{account}/{len(items)}"
        items.append(DeviceItem(item_id, account, media, h, 90, candidates))
        truth[item_id] = Truth(kind, "toy", "none", k)

    for n in range(known_per_offender):
        index = n % len(known)
        copy = flip_bits(known[index], 6, rng)
        add("offender", KNOWN, copy, (keys_of(known[index])[0], rng.bytes(8), rng.bytes(8)), index)
    for u in range(users):
        for _ in range(ordinary_per_user):
            add(f"user{u}", ORDINARY, rng.bytes(32), (rng.bytes(8), rng.bytes(8)), None)
    scenario = Scenario(
        name="toy",
        description="",
        seed=seed,
        duration_days=1.0,
        known_items=len(known),
        filler_hashes=filler,
        threshold=threshold,
        synthetic_rate=synthetic_rate,
        groups=(Group("toy", users + 1, 3.0),),
        model=PopulationSettings(known_items_per_sharer=10.0, items_per_account=1000.0),
    )
    population = Population(
        scenario=scenario,
        items=tuple(items),
        truth=truth,
        hash_set=hash_set,
        known_sources=("toy",) * len(known),
        device_hash_cpu={i.item_id: 0.0 for i in items},
        device_candidates_cpu={i.item_id: 0.0 for i in items},
        candidate_scheme="toy",
    )
    return population, signals


def toy_study(
    names: tuple[str, ...] = ("none", "hash_upload", "tpsi", "third_party"),
    seeds: int = 2,
    sweep: str | None = None,
) -> Study:
    """A comparison over ``seeds`` toy populations (one offender each), optionally swept."""
    from vouchsafe.compare.study import parse_sweep, study_populations

    populations = [toy_population(seed=11 + s, synthetic_rate=0.1)[0] for s in range(seeds)]
    signals = ToySignals()
    for s in range(seeds):
        signals.table.update(toy_population(seed=11 + s, synthetic_rate=0.1)[1].table)
    return study_populations(
        populations, signals, names, sweep=parse_sweep(sweep) if sweep else None
    )
