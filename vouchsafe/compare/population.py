"""Turns a scenario into media items, their ground truth and the hash set.

Images come only from the shared benign corpus or ``vouchsafe.imagegen``. The "known" items
are benign corpus photos playing that role; filler hash-set entries are random 256-bit strings
(standing in for the size of a real list, derived from nothing). Astronomy images
(``stellarium-dso_*``) are left out of both roles: bright blobs on black are the corpus's known
PDQ near-collisions (its README), which would make ordinary users look like re-sharers.

Every item is what a messenger would send: the picture (after the scenario's transform) scaled to
at most ``max_side`` pixels and encoded as JPEG at ``jpeg_quality``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from vouchsafe.compare.modes.base import DeviceItem, KnownEntry
from vouchsafe.compare.scenario import Group, Scenario, ScenarioError
from vouchsafe.compare.signals import Signals
from vouchsafe.compare.transforms import apply_transform
from vouchsafe.corpus import read_manifest
from vouchsafe.imagegen import synthetic_image

WORKING_SIDE = 1024
ORDINARY = "ordinary"
KNOWN = "known"
VIRAL = "viral"
COLLIDING = "colliding"


@dataclass(frozen=True)
class Truth:
    """What an item really is (the harness knows; no party in a mode does)."""

    kind: str
    source: str
    transform: str
    known_index: int | None = None


@dataclass(frozen=True)
class Population:
    """A scenario made concrete."""

    scenario: Scenario
    items: tuple[DeviceItem, ...]
    truth: dict[str, Truth]
    hash_set: tuple[KnownEntry, ...]
    known_sources: tuple[str, ...]
    # CPU seconds per item on the device: decode and the perceptual hash alone; and decode,
    # the hash with its device views and the PSI candidates (modes that send candidates).
    device_hash_cpu: dict[str, float]
    device_candidates_cpu: dict[str, float]
    candidate_scheme: str

    def accounts(self) -> list[str]:
        """Every account, in order of first item."""
        return list(dict.fromkeys(i.account for i in self.items))

    def known_counts(self) -> dict[str, int]:
        """Number of known items each account sent."""
        counts = dict.fromkeys(self.accounts(), 0)
        for item in self.items:
            if self.truth[item.item_id].kind == KNOWN:
                counts[item.account] += 1
        return counts

    def offenders(self) -> set[str]:
        """Accounts that sent at least ``threshold`` known items (those that should be flagged)."""
        t = self.scenario.threshold
        return {a for a, n in self.known_counts().items() if n >= t}


Crafter = Callable[[Image.Image, bytes], Image.Image]


def _load(path: Path) -> Image.Image:
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    image.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.LANCZOS)
    return image


def encode_for_sending(image: Image.Image, max_side: int, quality: int) -> bytes:
    """What the messenger sends: scaled to ``max_side`` and JPEG-encoded."""
    sent = image.convert("RGB").copy()
    sent.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    sent.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _tone_derivatives(image: Image.Image) -> tuple[bytes, ...]:
    """The visual derivatives of a known item's tone variants (what its hash source keys)."""
    from vouchsafe.sdk.visual_derivative import visual_derivative
    from vouchsafe.server.confirmation.keyed_hash import tone_variants

    return tuple(visual_derivative(variant) for variant in tone_variants(image))


def build_population(
    scenario: Scenario,
    corpus_dir: Path,
    signals: Signals,
    crafter: Crafter | None = None,
    progress: Callable[[Iterator[int], int], Iterator[int]] | None = None,
) -> Population:
    """Builds items, truth and hash set deterministically from ``scenario.seed``.

    ``crafter(source_image, target_hash)`` makes the framing scenario's colliding images; it is
    required only when a group has ``colliding_items``.
    """
    rng = np.random.default_rng(scenario.seed)
    try:
        rows = read_manifest(corpus_dir)
    except FileNotFoundError:
        raise ScenarioError(f"no benign corpus at {corpus_dir}", field="corpus") from None
    photos = [
        r.path for r in rows if r.kind == "photo" and not r.path.name.startswith("stellarium-dso")
    ]
    order = rng.permutation(len(photos))
    photos = [photos[i] for i in order]
    if len(photos) < scenario.known_items + 2:
        raise ScenarioError("the corpus has too few photos for this hash set", field="hash_set")
    known_paths = photos[: scenario.known_items]
    viral_path = photos[scenario.known_items]
    ordinary_pool = photos[scenario.known_items + 1 :]
    cache: dict[Path, Image.Image] = {}

    def image_of(path: Path) -> Image.Image:
        if path not in cache:
            cache[path] = _load(path)
        return cache[path]

    known_hashes = [signals.hash_media(_png(image_of(p)))[0] for p in known_paths]
    filler = [rng.bytes(32) for _ in range(scenario.filler_hashes)]
    hash_set = tuple(
        KnownEntry(h, signals.hash_set_keys(h), _tone_derivatives(image_of(p)))
        for h, p in zip(known_hashes, known_paths, strict=True)
    ) + tuple(KnownEntry(h, signals.hash_set_keys(h)) for h in filler)

    plan: list[tuple[str, str, Group, str]] = []
    for group_index, group in enumerate(scenario.groups):
        for member in range(group.count):
            account = f"g{group_index}-u{member}"
            n = max(1, round(group.images_per_day * scenario.duration_days))
            n_known = (
                group.known_items_sent
                if group.known_items_sent is not None
                else round(group.known_share * n)
            )
            n_viral = round(group.viral_share * n)
            kinds = [KNOWN] * n_known + [VIRAL] * n_viral + [COLLIDING] * group.colliding_items
            kinds += [ORDINARY] * max(0, n - len(kinds))
            for position in rng.permutation(len(kinds)):
                plan.append((account, kinds[int(position)], group, ""))

    items: list[DeviceItem] = []
    truth: dict[str, Truth] = {}
    hash_cpu: dict[str, float] = {}
    candidates_cpu: dict[str, float] = {}
    next_ordinary = 0
    synthetic_seed = 10_000 * scenario.seed
    counters: dict[str, int] = {}
    steps: Iterator[int] = iter(range(len(plan)))
    if progress is not None:
        steps = progress(steps, len(plan))
    for step in steps:
        account, kind, group, _ = plan[step]
        transform = str(rng.choice(list(group.transforms)))
        known_index: int | None = None
        if kind == KNOWN:
            known_index = int(rng.integers(len(known_paths)))
            source = known_paths[known_index].name
            picture = apply_transform(transform, image_of(known_paths[known_index]))
        elif kind == VIRAL:
            source = viral_path.name
            picture = apply_transform(transform, image_of(viral_path))
        elif kind == COLLIDING:
            if crafter is None:
                raise ScenarioError("this scenario needs a collision crafter", field="groups")
            known_index = counters.get("colliding", 0) % len(known_paths)
            counters["colliding"] = counters.get("colliding", 0) + 1
            base = ordinary_pool[-1 - known_index % max(1, len(ordinary_pool))]
            source = f"{base.name} crafted to collide with {known_paths[known_index].name}"
            transform = "collision"
            picture = crafter(image_of(base), known_hashes[known_index])
        elif next_ordinary < len(ordinary_pool) - len(known_paths):
            source = ordinary_pool[next_ordinary].name
            next_ordinary += 1
            picture = apply_transform(transform, image_of(ordinary_pool[next_ordinary - 1]))
        else:
            synthetic_seed += 1
            source = f"imagegen seed {synthetic_seed}"
            picture = apply_transform(transform, synthetic_image(synthetic_seed, (384, 288)))
        media = encode_for_sending(picture, scenario.max_side, scenario.jpeg_quality)
        signal = signals.item_signal(media)
        counters[account] = counters.get(account, 0) + 1
        item_id = f"{account}/{counters[account]}"
        items.append(
            DeviceItem(
                item_id=item_id,
                account=account,
                media=media,
                perceptual_hash=signal.perceptual_hash,
                quality=signal.quality,
                candidates=signal.candidates,
            )
        )
        truth[item_id] = Truth(kind, source, transform, known_index)
        hash_cpu[item_id] = signal.hash_cpu_seconds
        candidates_cpu[item_id] = signal.cpu_seconds
    return Population(
        scenario=scenario,
        items=tuple(items),
        truth=truth,
        hash_set=hash_set,
        known_sources=tuple(p.name for p in known_paths),
        device_hash_cpu=hash_cpu,
        device_candidates_cpu=candidates_cpu,
        candidate_scheme=signals.candidate_scheme,
    )
