"""``vouchsafe hash``: perceptual hash, quality and PSI candidates of media files."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

    from vouchsafe.sdk.media.signal_types import SignalType

NAME = "hash"
HELP = "print the perceptual hash, quality and PSI candidates of image files"


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


def _hash_one(label: str, image: Image.Image, signal: SignalType) -> dict[str, object]:
    from vouchsafe.sdk.media.candidates import CANDIDATE_SCHEME, psi_candidates

    result = signal.hash_media(image)
    return {
        "file": label,
        "signal_type": result.signal_type,
        "hash": result.hex,
        "quality": result.quality,
        "candidate_scheme": CANDIDATE_SCHEME,
        "candidates": [c.hex() for c in psi_candidates(result)],
    }


def run(args: argparse.Namespace) -> int:
    """Hashes each file (or the generated defaults) and prints text or JSON."""
    import json

    from tqdm import tqdm

    from vouchsafe.imagegen import synthetic_image
    from vouchsafe.sdk.media.decode import decode_image
    from vouchsafe.sdk.media.signal_types import get_signal_type

    signal = get_signal_type(args.signal_type, backend=args.backend)
    labels: list[str] = list(args.files) or [f"generated:{seed}" for seed in (1, 2)]
    rows = []
    for label in tqdm(labels, desc="hashing", unit="file", disable=len(labels) < 20):
        if args.files:
            image = decode_image(label)
        else:
            image = synthetic_image(int(label.split(":")[1]), (640, 480))
        rows.append(_hash_one(label, image, signal))
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
    return 0
