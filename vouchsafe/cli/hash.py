"""``vouchsafe hash``: perceptual hash, quality and PSI candidates of media files."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

    from vouchsafe.sdk.media.candidates import CandidateScheme
    from vouchsafe.sdk.media.signal_types import SignalType

NAME = "hash"
HELP = "print the perceptual hash, PSI candidates and the hash-set keys a release would store"


def configure(parser: argparse.ArgumentParser) -> None:
    """FILE... (default: two generated benign images), --json, --signal-type, --backend."""
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="images to hash (default: two generated images)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--signal-type", choices=("pdq", "onnx"), default="pdq")
    parser.add_argument(
        "--backend", choices=("numpy", "onnx"), default="numpy", help="PDQ backend (same bits)"
    )
    parser.add_argument(
        "--max-candidates", type=int, default=None, metavar="K",
        help="candidate budget, i.e. scheme (16, 32, 64, 128, 256; default 64)",
    )  # fmt: skip


def _hash_one(
    label: str, image: Image.Image, signal: SignalType, scheme: CandidateScheme
) -> dict[str, object]:
    from vouchsafe.sdk.media.candidates import hash_set_keys, psi_candidates

    result = signal.hash_media(image)
    candidates = psi_candidates(result, scheme)
    keys = hash_set_keys(result.signal_type, result.bits, scheme)
    return {
        "file": label,
        "signal_type": result.signal_type,
        "hash": result.hex,
        "quality": result.quality,
        "candidate_scheme": scheme.name,
        "candidates": [c.hex() for c in candidates],
        # What a release built from this hash would store: anyone can check the two sides meet.
        "hash_set_keys": [k.hex() for k in keys],
        "candidates_meeting_own_keys": sum(c in keys for c in candidates),
    }


def run(args: argparse.Namespace) -> int:
    """Hashes each file (or the generated defaults) and prints text or JSON."""
    import json

    from tqdm import tqdm

    from vouchsafe.cli import UsageError
    from vouchsafe.imagegen import synthetic_image
    from vouchsafe.sdk.media.candidates import BUDGETS, DEFAULT_SCHEME, scheme_for_budget
    from vouchsafe.sdk.media.decode import decode_image
    from vouchsafe.sdk.media.signal_types import get_signal_type

    if args.max_candidates is not None and args.max_candidates not in BUDGETS:
        raise UsageError(f"--max-candidates must be one of {BUDGETS}")
    budget = args.max_candidates
    scheme = DEFAULT_SCHEME if budget is None else scheme_for_budget(budget)
    signal = get_signal_type(args.signal_type, backend=args.backend)
    labels: list[str] = list(args.files) or [f"generated:{seed}" for seed in (1, 2)]
    rows = []
    for label in tqdm(labels, desc="hashing", unit="file", disable=len(labels) < 20):
        if args.files:
            image = decode_image(label)
        else:
            image = synthetic_image(int(label.split(":")[1]), (640, 480))
        rows.append(_hash_one(label, image, signal, scheme))
    if args.json:
        print(json.dumps({"results": rows}, indent=2))
        return 0
    for row in rows:
        candidates = [str(c) for c in row["candidates"]]  # type: ignore[attr-defined]
        print(f"{row['file']}")
        print(f"  signal type  {row['signal_type']}")
        print(f"  hash         {row['hash']}")
        print(f"  quality      {row['quality']}")
        print(f"  candidates   {len(candidates)} ({row['candidate_scheme']})")
        for candidate in candidates:
            print(f"    {candidate}")
        keys = [str(k) for k in row["hash_set_keys"]]  # type: ignore[attr-defined]
        print(f"  hash-set keys {len(keys)} (a release holding this hash stores these)")
        for key in keys:
            print(f"    {key}")
    return 0
