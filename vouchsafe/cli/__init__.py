"""``vouchsafe``: the one command-line entry point.

Each subcommand is a module in this package exposing ``NAME``, ``HELP``,
``configure(parser)`` and ``run(args) -> int``; register it in ``SUBCOMMANDS``. Modules keep
heavy imports inside ``run`` so that ``vouchsafe --help`` stays fast. User errors (a
:class:`~vouchsafe.sdk.errors.VouchsafeError` or :class:`UsageError`) print one clear line and exit
2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from vouchsafe.sdk._version import __version__
from vouchsafe.sdk.errors import VouchsafeError

# Module names under vouchsafe.cli, in the order `vouchsafe --help` lists them.
# One name per line, so that parallel work adding subcommands merges cleanly.
SUBCOMMANDS: tuple[str, ...] = (
    "version",
    "demo",
    "server",
    "audit",
    "staff",
    "bench",
    "hashset",
    "attack",
    "vectors",
    "compare",
    "hash",
    "eval",
    "client",
)


class UsageError(Exception):
    """A mistake in how the command was called; printed as one line, exit status 2."""


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"vouchsafe.cli.{name}")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, one sub-parser per registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="vouchsafe",
        description=(
            "Privacy-preserving client-side detection for E2EE messaging: "
            "reference implementation and test bench."
        ),
    )
    parser.add_argument("--version", action="version", version=f"vouchsafe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        module = _load(name)
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.configure(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parses ``argv`` (default: ``sys.argv[1:]``), runs the subcommand, returns its status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args._run(args)
    except (UsageError, VouchsafeError) as exc:
        print(f"vouchsafe {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"vouchsafe {args.command}: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
