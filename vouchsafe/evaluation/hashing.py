"""``vouchsafe eval hashing``: PSI recall per transform and budget, PDQ@31 baseline, false matches.

For every image of a folder (the shared corpus by default) the harness hashes the original (the
hash-set side: :func:`~vouchsafe.sdk.media.candidates.hash_set_keys` of its hash only) and each
transformed
copy of :mod:`vouchsafe.evaluation.transforms` (the device side:
:func:`~vouchsafe.sdk.media.candidates.psi_candidates`). Per transform it reports the PSI recall
(the copy
shares a candidate with its original's keys) next to the plaintext baseline (Hamming distance
<= the signal type's match distance, 31 for PDQ). Between distinct images it counts candidate
collisions (every original and every copy against every other original's keys) and turns them
into per-image and per-account false-match probabilities (:mod:`.false_match`). Every figure is
given for each candidate budget (``max_candidates``) asked for (:mod:`.budgets`), on the images of
one split (:mod:`.split`; by default the held-out half the schemes were not fitted on). With
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
from vouchsafe.evaluation import budgets as bd
from vouchsafe.evaluation import false_match as fm
from vouchsafe.evaluation.split import file_sha256, in_split
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
    split: str = "held_out"
    max_candidates: tuple[int, ...] = (16, 32, 64, 128, 256)
    measure_cost: bool = True
    confirmation: bool = True


@dataclass
class _Tally:
    copies: int = 0
    baseline_hits: int = 0
    exact_hashes: int = 0
    distances: list[int] = field(default_factory=list)
    psi_hits_by_budget: dict[str, int] = field(default_factory=dict)


def list_images(folder: Path) -> list[Path]:
    """The images of ``folder``: MANIFEST.tsv order when present, else sorted by name."""
    return [path for path, _ in _listed(folder)]


def _listed(folder: Path) -> list[tuple[Path, str]]:
    if (folder / "MANIFEST.tsv").is_file():
        return [(item.path, item.sha256) for item in read_manifest(folder)]
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return [(p, file_sha256(p)) for p in paths]


def _select(config: HashingEvalConfig) -> list[Path]:
    listed = [p for p, sha in _listed(config.folder) if in_split(config.split, sha)]
    paths = listed[max(0, config.offset) :: max(1, config.stride)]
    return paths[: config.limit] if config.limit is not None else paths


def _schemes(config: HashingEvalConfig) -> list[Any]:
    from vouchsafe.sdk.media.candidates import scheme_for_budget

    return [scheme_for_budget(k) for k in config.max_candidates]


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
    from vouchsafe.sdk.media.decode import decode_image
    from vouchsafe.sdk.media.signal_types import get_signal_type

    unknown = [t for t in config.transforms if t not in TRANSFORMS_BY_NAME]
    if unknown:
        raise ValueError(f"unknown transforms: {', '.join(unknown)}")
    signal = get_signal_type(config.signal_type, backend=config.backend)  # type: ignore[arg-type]
    index, count = shard
    schemes = _schemes(config)
    records: dict[str, Any] = {
        "names": [], "hashes": [], "failures": [],
        "codes": {str(s.max_candidates): {"entries": [], "queries": []} for s in schemes},
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
        records["names"].append(path.name)
        records["hashes"].append(original.bits.hex())
        entries = _record_entry(records["codes"], schemes, signal.name, original, own)
        if config.confirmation:
            second.add_original(path.name, image, original.bits)
        for name in config.transforms:
            transformed = TRANSFORMS_BY_NAME[name].apply(image)
            copy = signal.hash_media(transformed)
            distance = signal.distance(original.bits, copy.bits)
            tally = records["tallies"][name]
            tally["copies"] += 1
            tally["baseline_hits"] += distance <= signal.match_distance
            tally["exact_hashes"] += distance == 0
            tally["distances"].append(distance)
            for scheme in schemes:
                budget = str(scheme.max_candidates)
                codes = bd.device_codes(copy, scheme)
                hit = bool(set(codes) & set(entries[budget]))
                by_budget = tally["psi_hits_by_budget"]
                by_budget[budget] = by_budget.get(budget, 0) + hit
                records["codes"][budget]["queries"].append([own, codes])
            if config.confirmation:
                second.add_copy(name, transformed, distance <= signal.match_distance)
    if config.confirmation:
        records["confirmation"] = second.records
    return records


def _record_entry(
    codes: dict[str, Any], schemes: list[Any], signal_type: str, original: Any, own: int
) -> dict[str, list[int]]:
    """Adds one original's entry codes (and its own candidates as a query) for every budget."""
    entries = {}
    for scheme in schemes:
        budget = str(scheme.max_candidates)
        entries[budget] = bd.entry_codes(signal_type, original.bits, scheme)
        codes[budget]["entries"].append(entries[budget])
        codes[budget]["queries"].append([own, bd.device_codes(original, scheme)])
    return entries


def merge_records(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One set of records from the shards' (image indices renumbered)."""
    merged: dict[str, Any] = {
        "names": [], "hashes": [], "failures": [], "codes": {}, "tallies": {},
    }  # fmt: skip
    for part in parts:
        offset = len(merged["names"])
        for field_name in ("names", "hashes", "failures"):
            merged[field_name].extend(part[field_name])
        for budget, codes in part["codes"].items():
            into_codes = merged["codes"].setdefault(budget, {"entries": [], "queries": []})
            into_codes["entries"].extend(codes["entries"])
            into_codes["queries"].extend([i + offset, c] for i, c in codes["queries"])
        for name, tally in part["tallies"].items():
            into = merged["tallies"].setdefault(name, asdict(_Tally()))
            for key in ("copies", "baseline_hits", "exact_hashes", "distances"):
                into[key] = into[key] + tally[key]
            for budget, hits in tally["psi_hits_by_budget"].items():
                by_budget = into["psi_hits_by_budget"]
                by_budget[budget] = by_budget.get(budget, 0) + hits
    if all("confirmation" in part for part in parts):
        from vouchsafe.evaluation.confirmation import merge_confirmation

        merged["confirmation"] = merge_confirmation([part["confirmation"] for part in parts])
    return merged


def run_hashing_eval(
    config: HashingEvalConfig, wrap: Callable[[Iterable[Path]], Iterable[Path]] = iter
) -> dict[str, Any]:
    """Runs the whole measurement in this process; returns the JSON-able report."""
    return summarize(config, collect_records(config, wrap=wrap))


def default_budget(config: HashingEvalConfig) -> int:
    """The budget the headline figures are for: the SDK default if measured, else the first."""
    from vouchsafe.sdk.media.candidates import DEFAULT_BUDGET

    return DEFAULT_BUDGET if DEFAULT_BUDGET in config.max_candidates else config.max_candidates[0]


def summarize(config: HashingEvalConfig, records: dict[str, Any]) -> dict[str, Any]:
    """The report (see the module docstring) from the records of all images."""
    from vouchsafe.sdk.media.candidates import scheme_for_budget
    from vouchsafe.sdk.media.signal_types import get_signal_type

    signal = get_signal_type(config.signal_type, backend=config.backend)  # type: ignore[arg-type]
    names: list[str] = records["names"]
    if len(names) < 2:
        raise ValueError("need at least two decodable images")
    hashes = [bytes.fromhex(h) for h in records["hashes"]]
    tallies = {name: _Tally(**records["tallies"][name]) for name in config.transforms}
    budget = default_budget(config)
    scheme = scheme_for_budget(budget)
    codes = records["codes"][str(budget)]
    entries = codes["entries"]
    queries = [(int(i), cs) for i, cs in codes["queries"]]
    distinct = _distinct(names, hashes, entries, queries, signal.distance, signal.match_distance)
    dof = bd.code_dof(entries, scheme.code_bits)
    keys_per_entry = sum(len(k) for k in entries) / len(entries)
    report = {
        "config": {**asdict(config), "folder": str(config.folder)},
        "signal_type": signal.name,
        "match_distance": signal.match_distance,
        "candidate_scheme": scheme.name,
        "candidates_per_image": scheme.max_candidates,
        "keys_per_entry": keys_per_entry,
        "coarse_code_bits": scheme.code_bits,
        "images": len(names),
        "decode_failures": records["failures"],
        "transforms": [_transform_row(name, tallies[name], budget) for name in config.transforms],
        "distinct": distinct,
        "degrees_of_freedom": asdict(dof),
        "false_match": _false_match(config, distinct, dof, scheme.max_candidates, keys_per_entry),
        "budgets": _budget_rows(config, records, tallies),
    }
    if "confirmation" in records:
        from vouchsafe.evaluation.confirmation import summarize_confirmation

        report["confirmation"] = summarize_confirmation(records["confirmation"])
    return report


def _budget_rows(
    config: HashingEvalConfig, records: dict[str, Any], tallies: dict[str, _Tally]
) -> list[dict[str, Any]]:
    """Per budget: scheme, recall per transform and the false-match figures (:mod:`.budgets`)."""
    from vouchsafe.evaluation.cost import budget_cost
    from vouchsafe.sdk.media.candidates import scheme_for_budget

    names: list[str] = records["names"]
    astronomy = frozenset(i for i, n in enumerate(names) if n.startswith(ASTRONOMY_PREFIX))
    rows = []
    for budget in config.max_candidates:
        scheme = scheme_for_budget(budget)
        codes = records["codes"][str(budget)]
        queries = [(int(i), cs) for i, cs in codes["queries"]]
        recall = {
            name: tally.psi_hits_by_budget.get(str(budget), 0) / max(1, tally.copies)
            for name, tally in tallies.items()
        }
        rows.append(
            {
                "max_candidates": budget,
                "candidate_scheme": scheme.name,
                "code_bits": scheme.code_bits,
                "psi_recall": recall,
                "false_match": bd.false_match_for_budget(
                    codes["entries"], queries, scheme.code_bits, budget, config.hash_set_size,
                    astronomy,
                ),
                "cost": budget_cost(budget) if config.measure_cost else None,
            }
        )
    return rows


def _transform_row(name: str, tally: _Tally, budget: int) -> dict[str, Any]:
    n = max(1, tally.copies)
    return {
        "transform": name,
        "group": TRANSFORMS_BY_NAME[name].group,
        "copies": tally.copies,
        "psi_recall": tally.psi_hits_by_budget.get(str(budget), 0) / n,
        "baseline_recall": tally.baseline_hits / n,
        "exact_hash_rate": tally.exact_hashes / n,
        "mean_distance": sum(tally.distances) / n,
    }


def _distinct(
    names: list[str],
    hashes: list[bytes],
    entry_keys: list[list[int]],
    queries: list[tuple[int, list[int]]],
    distance: Callable[[bytes, bytes], int],
    match_distance: int,
) -> dict[str, Any]:
    owners: dict[int, set[int]] = defaultdict(set)
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


def _false_match(
    config: HashingEvalConfig,
    distinct: dict[str, Any],
    dof: fm.DegreesOfFreedom,
    candidates: int,
    keys_per_entry: float,
) -> dict[str, Any]:
    # r: the measured chance that one query (C candidates) shares a key with one given
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
