"""``vouchsafe hashset audit``: check releases publicly, or against the sources with the key.

``--release DIR`` (repeatable, in version order) runs the public audit of the chain. Adding
``--registry`` and ``--source`` runs the keyed audit of the last release (needs its private
server bundle). With no arguments, builds two demo releases and runs both.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vouchsafe.server.hashset.provenance import InclusionRule

NAME = "audit"
HELP = "audit releases: public chain checks; with sources and server key, re-derive the set"


def configure(parser: argparse.ArgumentParser) -> None:
    """Releases, and the sources for a keyed audit."""
    parser.add_argument("--release", type=Path, action="append", default=[], help="release dir")
    parser.add_argument("--registry", type=Path, default=None, help="organisations.json")
    parser.add_argument("--source", type=Path, action="append", default=[], help="source list")
    parser.add_argument("--min-sources", type=int, default=None, help="rule (default: as built)")
    parser.add_argument("--independence", choices=("organisation", "jurisdiction"), default=None)
    parser.add_argument("--out", type=Path, default=None, help="folder for the demo releases")


def _rule(release: Path, args: argparse.Namespace) -> InclusionRule:
    import json

    from vouchsafe.server.hashset.bundle import BUILD_FILE, PRIVATE_DIR
    from vouchsafe.server.hashset.provenance import InclusionRule

    built = json.loads((release / PRIVATE_DIR / BUILD_FILE).read_text(encoding="utf-8"))["rule"]
    return InclusionRule(
        args.min_sources or int(built["min_sources"]),
        args.independence or built["independence"],
    )


def run(args: argparse.Namespace) -> int:
    """Prints each check; exits 2 (AuditFailed) if any problem was found."""
    from vouchsafe.cli import UsageError
    from vouchsafe.cli.hashset_actions.common import default_out, demo_release_pair
    from vouchsafe.server.hashset import blinding
    from vouchsafe.server.hashset.audit import audit_public_chain, audit_with_key
    from vouchsafe.server.hashset.demo import REGISTRY_FILE

    releases: list[Path] = list(args.release)
    registry: Path | None = args.registry
    sources: list[Path] = list(args.source)
    if not releases:
        first, second, source_folder = demo_release_pair(default_out(args.out, "audit"))
        releases = [first.directory, second.directory]
        registry = source_folder / REGISTRY_FILE
        sources = sorted(source_folder.glob("*.jsonl"))
    report = audit_public_chain(releases)
    if sources:
        if registry is None:
            raise UsageError("--registry is required with --source")
        blinder = blinding.default_blinder()
        if not isinstance(blinder, blinding.KeyedBlinder):
            raise UsageError("the protocol core's blinder cannot re-derive elements")
        keyed = audit_with_key(
            releases[-1],
            registry_path=registry,
            source_paths=sources,
            rule=_rule(releases[-1], args),
            blinder=blinder,
            key_function=blinding.hash_set_keys,
        )
        report.checks += keyed.checks
        report.problems += keyed.problems
    for line in report.checks:
        print(f"ok    {line}")
    for line in report.problems:
        print(f"FAIL  {line}")
    print("audit passed" if report.passed else "audit FAILED")
    report.raise_if_failed()
    return 0
