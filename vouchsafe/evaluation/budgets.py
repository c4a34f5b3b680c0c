"""Per-budget figures of ``vouchsafe eval hashing``: PSI codes, recall, false matches.

A PSI key is ``SHA-256`` of (key domain, signal type, code), so within one scheme two keys are
equal exactly when their codes are: the harness keeps codes (as integers, position 0 the most
significant bit) instead of keys, one array per budget, and counts collisions on them.

False matches are estimated twice per budget:

* **binomial model** (:mod:`.false_match`): the degrees of freedom of the coarse codes of distinct
  originals give ``q``, and ``P_image = 1 - (1 - q)^(C K N)``;
* **measured at shortened codes**: the same candidates and keys cut to their first ``b`` bits
  (``b`` = 16..32, where distinct images do collide often enough to count), the measured share of
  (query, unrelated entry) pairs that share a shortened key, next to the model's prediction for
  that ``b``. Agreement at short codes is the check of the model's extrapolation to the full code.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import numpy.typing as npt

from vouchsafe.evaluation import false_match as fm

SHORTENED_BITS = (16, 20, 24, 28, 32)
Codes = npt.NDArray[np.uint64]


def code_integers(codes: list[npt.NDArray[np.bool_]]) -> list[int]:
    """Each code (at most 64 bits) as an integer, position 0 the most significant of its bits."""
    stacked = np.array(codes, dtype=np.uint8).reshape(len(codes), -1)
    padded = np.zeros((len(codes), 64), dtype=np.uint8)
    padded[:, 64 - stacked.shape[1] :] = stacked
    return [int(v) for v in np.packbits(padded, axis=1).view(">u8").reshape(-1)]


def code_integer(code: npt.NDArray[np.bool_]) -> int:
    """One code as an integer (:func:`code_integers`)."""
    return code_integers([code])[0]


def device_codes(result: Any, scheme: Any) -> list[int]:
    """The device's candidate codes for one hashed item under ``scheme``."""
    from vouchsafe.sdk.media.candidates import candidate_codes

    return code_integers([code for _, _, code in candidate_codes(result, scheme)])


def entry_codes(signal_type: str, perceptual_hash: bytes, scheme: Any) -> list[int]:
    """The codes behind :func:`~vouchsafe.sdk.media.candidates.hash_set_keys` (same order)."""
    from vouchsafe.sdk.media.candidates import _flags, coarse_positions, mirrored_flags
    from vouchsafe.sdk.media.signal_types import PDQ

    flags = _flags(perceptual_hash)
    positions = coarse_positions(signal_type, flags.size, scheme.code_bits)
    codes = [code_integer(flags[positions])]
    if signal_type == PDQ:
        mirrored = code_integer(mirrored_flags(flags)[positions])
        if mirrored not in codes:
            codes.append(mirrored)
    return codes


def _owners(entries: list[list[int]], shift: int) -> tuple[Codes, npt.NDArray[np.int64]]:
    pairs = sorted({(code >> shift, i) for i, codes in enumerate(entries) for code in codes})
    values = np.array([p[0] for p in pairs], dtype=np.uint64)
    owners = np.array([p[1] for p in pairs], dtype=np.int64)
    return values, owners


def count_collisions(
    entries: list[list[int]],
    queries: list[tuple[int, list[int]]],
    shift: int = 0,
    excluded: frozenset[int] = frozenset(),
) -> dict[str, float]:
    """(query, other entry) pairs sharing a code (codes cut by ``shift`` low bits first).

    Images in ``excluded`` take part neither as query nor as entry.
    """
    kept = [[] if i in excluded else codes for i, codes in enumerate(entries)]
    values, owners = _owners(kept, shift)
    queries = [(own, codes) for own, codes in queries if own not in excluded]
    colliding_pairs = 0
    candidates = 0
    for own, codes in queries:
        cut = np.unique(np.array(codes, dtype=np.uint64) >> np.uint64(shift))
        candidates += cut.size
        left = np.searchsorted(values, cut, side="left")
        right = np.searchsorted(values, cut, side="right")
        hit: set[int] = set()
        for a, b in zip(left[left < right], right[left < right], strict=True):
            hit.update(int(o) for o in owners[a:b] if o != own)
        colliding_pairs += len(hit)
    pairs = len(queries) * (len(entries) - len(excluded) - 1)
    keys_per_entry = float(len(values)) / max(1, len(entries) - len(excluded))
    return {
        "pairs": pairs,
        "colliding_pairs": colliding_pairs,
        "pair_rate": colliding_pairs / max(1, pairs),
        "candidates_per_query": candidates / max(1, len(queries)),
        "keys_per_entry": keys_per_entry,
    }


def code_dof(entries: list[list[int]], bits: int) -> fm.DegreesOfFreedom:
    """Daugman's fit to the distances between the first codes of distinct entries."""
    codes = np.array([e[0] for e in entries], dtype=np.uint64)
    flags = ((codes[:, None] >> np.arange(bits, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(
        np.int16
    )
    upper = np.triu_indices(len(codes), 1)
    distances = (flags[:, None, :] != flags[None, :, :]).sum(axis=2)[upper]
    return fm.fit_degrees_of_freedom([int(d) for d in distances], bits)


def _pair_rate_model(q: float, candidates: float, keys: float) -> float:
    return fm.per_image_probability(q, 1, candidates * keys, 1)


def shortened_check(
    entries: list[list[int]],
    queries: list[tuple[int, list[int]]],
    code_bits: int,
    excluded: frozenset[int] = frozenset(),
) -> list[dict[str, Any]]:
    """Measured vs model pair-collision rates at each shortened length below ``code_bits``
    (images in ``excluded`` left out of both the count and the model's fit)."""
    rows = []
    for bits in (b for b in SHORTENED_BITS if b < code_bits):
        shift = code_bits - bits
        measured = count_collisions(entries, queries, shift, excluded)
        cut_entries = [[c >> shift for c in codes] for i, codes in enumerate(entries)
                       if i not in excluded]  # fmt: skip
        dof = code_dof(cut_entries, bits)
        model = _pair_rate_model(
            dof.collision_probability, measured["candidates_per_query"], measured["keys_per_entry"]
        )
        rows.append(
            {
                "bits": bits,
                "measured_pair_rate": measured["pair_rate"],
                "colliding_pairs": measured["colliding_pairs"],
                "pairs": measured["pairs"],
                "model_pair_rate": model,
                "model_over_measured": model / measured["pair_rate"]
                if measured["pair_rate"]
                else None,
                "dof": dof.dof,
            }
        )
    return rows


def false_match_for_budget(
    entries: list[list[int]],
    queries: list[tuple[int, list[int]]],
    code_bits: int,
    max_candidates: int,
    hash_set_size: int,
    astronomy: frozenset[int] = frozenset(),
) -> dict[str, Any]:
    """Model and measured false-match figures of one budget (see the module docstring).

    The shortened-code check is given for all images and without ``astronomy`` (the corpus's
    star-field pictures, near-duplicates of one another at low frequencies: SPEC P.6).
    """
    full = count_collisions(entries, queries)
    dof = code_dof(entries, code_bits)
    keys = full["keys_per_entry"]
    q = dof.collision_probability
    upper = full["pair_rate"] if full["colliding_pairs"] else fm.rule_of_three(int(full["pairs"]))
    return {
        "degrees_of_freedom": asdict(dof),
        "model_q_per_candidate_key": q,
        "keys_per_entry": keys,
        "per_image_model": fm.per_image_probability(q, max_candidates, keys, hash_set_size),
        "measured_full_code": full,
        "per_image_measured_or_rule_of_three": fm.per_image_probability(
            upper, 1, 1.0, hash_set_size
        ),
        "shortened_codes": shortened_check(entries, queries, code_bits),
        "shortened_codes_without_astronomy": shortened_check(
            entries, queries, code_bits, astronomy
        ),
    }
