"""``vouchsafe demo``: the project's main job, on embedded defaults.

Not yet end to end: until the server and messenger land (issues 6 and 7) it states the steps
the demo will run and checks that the shared benign corpus is reachable.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "demo"
HELP = "run the end-to-end demo on embedded defaults"

PLANNED_STEPS = (
    "build signed benign source lists from ../shared/corpus (some images play 'known' items)",
    "blind the hash set and publish a signed release",
    "start the reference server on a free loopback port (SQLite in a temp folder)",
    "create users who exchange E2EE text and photos over the real HTTP API",
    "show what the server saw, who crossed the match threshold, the review, report and appeal",
    "verify the audit log and write a self-contained HTML report to out/demo/",
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Options arrive with the end-to-end demo."""
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="folder of benign images (default: ../shared/corpus beside the project)",
    )


def run(args: argparse.Namespace) -> int:
    """Prints the plan and checks the corpus; returns 0."""
    from vouchsafe.corpus import default_corpus_dir

    corpus = args.corpus or default_corpus_dir()
    print("vouchsafe demo (foundation stage: the end-to-end run is not built yet)")
    print("The full demo will:")
    for number, step in enumerate(PLANNED_STEPS, start=1):
        print(f"  {number}. {step}")
    if corpus.is_dir():
        images = [p for p in corpus.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"}]
        print(f"Benign corpus: {corpus} ({len(images)} images)")
    else:
        print(f"Benign corpus not found at {corpus}; the full demo will need it.")
    return 0
