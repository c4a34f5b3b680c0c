"""``vouchsafe eval hashing``: PSI recall per transform, PDQ@31 baseline, false-match figures.

For every image of a folder (the shared corpus by default) the harness hashes the original (the
hash-set side: :func:`~vouchsafe.sdk.media.candidates.hash_set_keys` of its hash only) and each
transformed
copy of :mod:`vouchsafe.evaluation.transforms` (the device side:
:func:`~vouchsafe.sdk.media.candidates.psi_candidates`). Per transform it reports the PSI recall
(the copy
shares a candidate with its original's keys) next to the plaintext baseline (Hamming distance
<= the signal type's match distance, 31 for PDQ). Between distinct images it counts candidate
collisions (every original and every copy against every other original's keys) and turns them
into per-image and per-account false-match probabilities (:mod:`.false_match`). With
``confirmation`` on (the default) it also measures the server's second check, the keyed
confirmation hash, next to PDQ (:mod:`.confirmation`: fitted and reported on separate splits).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vouchsafe.corpus import IMAGE_SUFFIXES, read_manifest
from vouchsafe.evaluation import false_match as fm
from vouchsafe.evaluation.transforms import TRANSFORMS, TRANSFORMS_BY_NAME

ASTRONOMY_PREFIX = "stellarium-dso"


@dataclass(frozen=True)
class HashingEvalConfig:
    """What to measure and the account model the false-flag figure assumes."""

    folder: Path
    signal_type: str = "pdq"
    backend: str = "numpy"
    stride: int = 1
    offset: int = 0
    limit: int | None = None
    transforms: tuple[str, ...] = tuple(t.name for t in TRANSFORMS)
    hash_set_size: int = 1_000_000
    images_per_day: int = 100
    days: int = 365
    threshold: int = 30
    confirmation: bool = True


@dataclass
class _Tally:
    copies: int = 0
    psi_hits: int = 0
    baseline_hits: int = 0
    exact_hashes: int = 0
    distances: list[int] = field(default_factory=list)


def list_images(folder: Path) -> list[Path]:
    """The images of ``folder``: MANIFEST.tsv order when present, else sorted by name."""
    if (folder / "MANIFEST.tsv").is_file():
        return [item.path for item in read_manifest(folder)]
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _select(config: HashingEvalConfig) -> list[Path]:
    paths = list_images(config.folder)[max(0, config.offset) :: max(1, config.stride)]
    return paths[: config.limit] if config.limit is not None else paths


def collect_records(
    config: HashingEvalConfig,
    shard: tuple[int, int] = (0, 1),
    wrap: Callable[[Iterable[Path]], Iterable[Path]] = iter,
) -> dict[str, Any]:
    """Hashes shard ``i`` of ``k`` (every k-th selected image from the i-th): JSON-able records.

    Shards of one config, merged with :func:`merge_records`, give exactly the records of one
    unsharded run (in a different image order); ``wrap`` may add a progress bar.
    """
    from vouchsafe.evaluation.confirmation import ConfirmationCollector
    from vouchsafe.sdk.errors import InvalidMedia
    from vouchsafe.sdk.media.candidates import hash_set_keys, psi_candidates
    from vouchsafe.sdk.media.decode import decode_image
    from vouchsafe.sdk.media.signal_types import get_signal_type

    unknown = [t for t in config.transforms if t not in TRANSFORMS_BY_NAME]
    if unknown:
        raise ValueError(f"unknown transforms: {', '.join(unknown)}")
    signal = get_signal_type(config.signal_type, backend=config.backend)  # type: ignore[arg-type]
    index, count = shard
    records: dict[str, Any] = {
        "names": [], "hashes": [], "keys": [], "queries": [], "failures": [],
        "tallies": {name: asdict(_Tally()) for name in config.transforms},
    }  # fmt: skip
    second = ConfirmationCollector()
    for path in wrap(_select(config)[index::count]):
        try:
            image = decode_image(path)
        except InvalidMedia as exc:
            records["failures"].append(f"{path.name}: {exc}")
            continue
        own = len(records["names"])
        original = signal.hash_media(image)
        keys = hash_set_keys(signal.name, original.bits)
        records["names"].append(path.name)
        records["hashes"].append(original.bits.hex())
        records["keys"].append([k.hex() for k in keys])
        records["queries"].append([own, [c.hex() for c in psi_candidates(original)]])
        if config.confirmation:
            second.add_original(path.name, image, original.bits)
        for name in config.transforms:
            transformed = TRANSFORMS_BY_NAME[name].apply(image)
            copy = signal.hash_media(transformed)
            candidates = psi_candidates(copy)
            distance = signal.distance(original.bits, copy.bits)
            tally = records["tallies"][name]
            tally["copies"] += 1
            tally["psi_hits"] += bool(set(candidates) & set(keys))
            tally["baseline_hits"] += distance <= signal.match_distance
            tally["exact_hashes"] += distance == 0
            tally["distances"].append(distance)
            records["queries"].append([own, [c.hex() for c in candidates]])
            if config.confirmation:
                second.add_copy(name, transformed, distance <= signal.match_distance)
    if config.confirmation:
        records["confirmation"] = second.records
    return records


def merge_records(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One set of records from the shards' (image indices renumbered)."""
    merged: dict[str, Any] = {
        "names": [], "hashes": [], "keys": [], "queries": [], "failures": [], "tallies": {},
    }  # fmt: skip
    for part in parts:
        offset = len(merged["names"])
        for field_name in ("names", "hashes", "keys", "failures"):
            merged[field_name].extend(part[field_name])
        merged["queries"].extend([i + offset, c] for i, c in part["queries"])
        for name, tally in part["tallies"].items():
            into = merged["tallies"].setdefault(name, asdict(_Tally()))
            for key in ("copies", "psi_hits", "baseline_hits", "exact_hashes", "distances"):
                into[key] = into[key] + tally[key]
    if all("confirmation" in part for part in parts):
        from vouchsafe.evaluation.confirmation import merge_confirmation

        merged["confirmation"] = merge_confirmation([part["confirmation"] for part in parts])
    return merged


def run_hashing_eval(
    config: HashingEvalConfig, wrap: Callable[[Iterable[Path]], Iterable[Path]] = iter
) -> dict[str, Any]:
    """Runs the whole measurement in this process; returns the JSON-able report."""
    return summarize(config, collect_records(config, wrap=wrap))


def summarize(config: HashingEvalConfig, records: dict[str, Any]) -> dict[str, Any]:
    """The report (see the module docstring) from the records of all images."""
    from vouchsafe.sdk.media.candidates import CANDIDATE_SCHEME, MAX_CANDIDATES, coarse_positions
    from vouchsafe.sdk.media.signal_types import get_signal_type

    signal = get_signal_type(config.signal_type, backend=config.backend)  # type: ignore[arg-type]
    names: list[str] = records["names"]
    if len(names) < 2:
        raise ValueError("need at least two decodable images")
    hashes = [bytes.fromhex(h) for h in records["hashes"]]
    entry_keys = [[bytes.fromhex(k) for k in keys] for keys in records["keys"]]
    queries = [(int(i), [bytes.fromhex(c) for c in cs]) for i, cs in records["queries"]]
    tallies = {name: _Tally(**records["tallies"][name]) for name in config.transforms}
    code_bits = len(coarse_positions(signal.name, len(hashes[0]) * 8))
    distinct = _distinct(names, hashes, entry_keys, queries, signal.distance, signal.match_distance)
    dof = _coarse_dof(signal.name, hashes, code_bits)
    keys_per_entry = sum(len(k) for k in entry_keys) / len(entry_keys)
    report = {
        "config": {**asdict(config), "folder": str(config.folder)},
        "signal_type": signal.name,
        "match_distance": signal.match_distance,
        "candidate_scheme": CANDIDATE_SCHEME,
        "candidates_per_image": MAX_CANDIDATES,
        "keys_per_entry": keys_per_entry,
        "coarse_code_bits": code_bits,
        "images": len(names),
        "decode_failures": records["failures"],
        "transforms": [_transform_row(name, tallies[name]) for name in config.transforms],
        "distinct": distinct,
        "degrees_of_freedom": asdict(dof),
        "false_match": _false_match(config, distinct, dof, MAX_CANDIDATES, keys_per_entry),
    }
    if "confirmation" in records:
        from vouchsafe.evaluation.confirmation import summarize_confirmation

        report["confirmation"] = summarize_confirmation(records["confirmation"])
    return report


def _transform_row(name: str, tally: _Tally) -> dict[str, Any]:
    n = max(1, tally.copies)
    return {
        "transform": name,
        "group": TRANSFORMS_BY_NAME[name].group,
        "copies": tally.copies,
        "psi_recall": tally.psi_hits / n,
        "baseline_recall": tally.baseline_hits / n,
        "exact_hash_rate": tally.exact_hashes / n,
        "mean_distance": sum(tally.distances) / n,
    }


def _distinct(
    names: list[str],
    hashes: list[bytes],
    entry_keys: list[list[bytes]],
    queries: list[tuple[int, list[bytes]]],
    distance: Callable[[bytes, bytes], int],
    match_distance: int,
) -> dict[str, Any]:
    owners: dict[bytes, set[int]] = defaultdict(set)
    for index, keys in enumerate(entry_keys):
        for key in keys:
            owners[key].add(index)
    colliding: set[tuple[int, int]] = set()
    collision_queries = 0
    query_entry_collisions = 0
    for index, candidates in queries:
        hit = {other for c in candidates for other in owners.get(c, ()) if other != index}
        collision_queries += bool(hit)
        query_entry_collisions += len(hit)
        colliding.update((index, other) for other in hit)
    n = len(names)
    astronomy = {i for i, name in enumerate(names) if name.startswith(ASTRONOMY_PREFIX)}
    plaintext = sum(
        distance(hashes[a], hashes[b]) <= match_distance for a in range(n) for b in range(a + 1, n)
    )
    return {
        "queries": len(queries),
        "query_entry_pairs": len(queries) * (n - 1),
        "colliding_queries": collision_queries,
        "query_entry_collisions": query_entry_collisions,
        "colliding_image_pairs": sorted(
            [names[a], names[b]] for a, b in {(min(p), max(p)) for p in colliding}
        ),
        "colliding_image_pairs_without_astronomy": sum(
            1 for a, b in {(min(p), max(p)) for p in colliding} if not {a, b} & astronomy
        ),
        "astronomy_images": len(astronomy),
        "plaintext_matches_between_originals": plaintext,
        "original_pairs": n * (n - 1) // 2,
    }


def _coarse_dof(signal_type: str, hashes: list[bytes], code_bits: int) -> fm.DegreesOfFreedom:
    import numpy as np

    from vouchsafe.sdk.media.candidates import coarse_positions

    packed = np.frombuffer(b"".join(hashes), dtype=np.uint8).reshape(len(hashes), -1)
    flags = np.unpackbits(packed, axis=1)
    flags = flags[:, ::-1]  # flag k = bit k, as vouchsafe.sdk.media.pdq.unpack_bits
    codes = flags[:, coarse_positions(signal_type, flags.shape[1])].astype(np.int16)
    upper = np.triu_indices(len(hashes), 1)
    distances = (codes[:, None, :] != codes[None, :, :]).sum(axis=2)[upper]
    return fm.fit_degrees_of_freedom([int(d) for d in distances], code_bits)


def _false_match(
    config: HashingEvalConfig,
    distinct: dict[str, Any],
    dof: fm.DegreesOfFreedom,
    candidates: int,
    keys_per_entry: float,
) -> dict[str, Any]:
    # r: the measured chance that one query (16 candidates) shares a key with one given
    # unrelated entry (its keys); with N entries, P_image = 1 - (1 - r)^N.
    pairs = int(distinct["query_entry_pairs"])
    empirical_pair_rate = int(distinct["query_entry_collisions"]) / pairs
    upper_pair_rate = (
        empirical_pair_rate if distinct["query_entry_collisions"] else fm.rule_of_three(pairs)
    )
    n_images = config.images_per_day * config.days
    n_entries = config.hash_set_size

    def per_image_from_pairs(rate: float) -> float:
        return fm.per_image_probability(rate, 1, 1.0, n_entries)

    q_model = dof.collision_probability
    p_image = {
        "empirical": per_image_from_pairs(empirical_pair_rate),
        "empirical_or_rule_of_three": per_image_from_pairs(upper_pair_rate),
        "binomial_model": fm.per_image_probability(q_model, candidates, keys_per_entry, n_entries),
    }
    return {
        "hash_set_size": n_entries,
        "per_pair_collision_rate": empirical_pair_rate,
        "per_pair_collision_rate_upper95": upper_pair_rate,
        "model_q_per_candidate_key": q_model,
        "per_image": p_image,
        "per_image_formula": fm.PER_IMAGE_FORMULA + "; empirical: 1 - (1 - r)^N, r per pair",
        "account": {
            "images_per_year": n_images,
            "threshold": config.threshold,
            "formula": fm.BINOMIAL_TAIL_FORMULA,
            **{k: fm.binomial_tail(n_images, v, config.threshold) for k, v in p_image.items()},
        },
    }
