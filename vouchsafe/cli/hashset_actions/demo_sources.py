"""``vouchsafe hashset demo-sources --out DIR``: three signed benign source lists.

PDQ hashes of images from the shared corpus, spread over three example organisations (two
jurisdictions) with one tombstone; or ``--synthetic N`` random 256-bit values (for size tests).
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "demo-sources"
HELP = "write three signed benign source lists (PDQ of corpus images) and their registry"


def configure(parser: argparse.ArgumentParser) -> None:
    """Output folder, corpus, synthetic size."""
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--corpus", type=Path, default=None, help="benign image folder")
    parser.add_argument(
        "--synthetic", type=int, default=0, metavar="N", help="N random entries instead"
    )


def run(args: argparse.Namespace) -> int:
    """Writes organisations.json, one .jsonl list per organisation and their keys."""
    from vouchsafe.cli.hashset_actions.common import default_out, make_demo_sources

    sources = make_demo_sources(default_out(args.out, "demo-sources"), args.corpus, args.synthetic)
    print(f"registry: {sources.registry_path}")
    for path in sources.source_paths:
        print(f"source list: {path}")
    print(f"organisation keys (private): {sources.key_paths[0].parent}")
    return 0
