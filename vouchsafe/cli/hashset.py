"""``vouchsafe hashset ACTION``: the hash-set lifecycle (sources, releases, audit, diff).

Actions: ``source-sign``, ``demo-sources``, ``build``, ``verify``, ``audit``, ``diff``; one
module each in ``vouchsafe/cli/hashset_actions/``. Each runs on generated benign data when given
no inputs (at most an output folder).
"""

from __future__ import annotations

import argparse
import importlib

NAME = "hashset"
HELP = "hash-set lifecycle: sign source lists, build/verify/audit/diff signed releases"

ACTIONS: tuple[str, ...] = (
    "source_sign",
    "demo_sources",
    "build",
    "verify",
    "audit",
    "diff",
)


def configure(parser: argparse.ArgumentParser) -> None:
    """One sub-parser per action."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name in ACTIONS:
        module = importlib.import_module(f"vouchsafe.cli.hashset_actions.{name}")
        action = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.configure(action)
        action.set_defaults(_action=module.run)


def run(args: argparse.Namespace) -> int:
    """Runs the chosen action."""
    status: int = args._action(args)
    return status
