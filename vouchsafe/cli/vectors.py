"""``vouchsafe vectors``: check or regenerate the tPSI-AD test vectors
(``protocol/vectors/tpsi-v2.json``)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "vectors"
HELP = "check (or regenerate) the tPSI-AD and PSI-candidate test vectors in protocol/vectors/"


def configure(parser: argparse.ArgumentParser) -> None:
    """``check`` (default) or ``generate``, and an optional file path."""
    parser.add_argument(
        "action",
        nargs="?",
        choices=("check", "generate"),
        default="check",
        help="check: regenerate from the seed, diff, and verify every case (default); "
        "generate: rewrite the file",
    )
    parser.add_argument(
        "--path",
        type=Path,
        default=None,
        help="vector file (default: protocol/vectors/tpsi-v2.json in the installed package)",
    )


def run(args: argparse.Namespace) -> int:
    """0 when the vectors check out (or were written), 1 with one line per problem."""
    from vouchsafe.cli import UsageError
    from vouchsafe.protocol.vectors.generate import VECTORS_PATH, check_vectors, write_vectors
    from vouchsafe.protocol.vectors.psi_candidates import (
        PSI_VECTORS_PATH,
        check_psi_vectors,
        write_psi_vectors,
    )

    path = args.path or VECTORS_PATH
    if args.action == "generate":
        write_vectors(path)
        print(f"wrote {path}")
        if args.path is None:
            write_psi_vectors()
            print(f"wrote {PSI_VECTORS_PATH}")
        return 0
    if not path.is_file():
        raise UsageError(f"no vector file at {path}; run `vouchsafe vectors generate`")
    problems = check_vectors(path)
    if args.path is None:
        problems += check_psi_vectors()
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        return 1
    print(f"ok: {path.name} matches its seeded generator and every case verifies")
    return 0
