"""``vouchsafe hashset diff OLD NEW``: what changed between two releases; writes the delta.

With no arguments, builds two demo releases (the second after a withdrawal) and compares them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "diff"
HELP = "compare two release folders; report changed slots and write the release delta"


def configure(parser: argparse.ArgumentParser) -> None:
    """Two release folders and where to write the delta."""
    parser.add_argument("old", nargs="?", type=Path, help="older release folder")
    parser.add_argument("new", nargs="?", type=Path, help="newer release folder")
    parser.add_argument("--delta-out", type=Path, default=None, help="write the ReleaseDelta")
    parser.add_argument("--out", type=Path, default=None, help="folder for the demo releases")


def run(args: argparse.Namespace) -> int:
    """Prints the summary; writes the delta next to NEW unless --delta-out says otherwise."""
    from vouchsafe.cli import UsageError
    from vouchsafe.cli.hashset_actions.common import default_out, demo_release_pair
    from vouchsafe.server.hashset.diff import diff_releases

    old, new = args.old, args.new
    if (old is None) != (new is None):
        raise UsageError("give both OLD and NEW, or neither (demo)")
    if old is None:
        first, second, _ = demo_release_pair(default_out(args.out, "diff"))
        old, new = first.directory, second.directory
    diff = diff_releases(old, new)
    for line in diff.lines():
        print(line)
    delta_path: Path = args.delta_out or new / f"delta-from-{diff.old_version}.pb"
    delta_path.write_bytes(diff.delta)
    print(f"delta written: {delta_path}")
    return 0
