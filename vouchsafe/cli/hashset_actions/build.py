"""``vouchsafe hashset build``: source lists -> one signed, blinded release folder.

``--source`` (repeatable) and ``--registry`` name the inputs; without them, demo sources are
made first (in ``OUT/demo-sources``). ``--previous DIR`` makes the next release of a chain
(same release key, a fresh server key, version + 1, previous digest).
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "build"
HELP = "build a signed release (and private server bundle) from source lists"


def configure(parser: argparse.ArgumentParser) -> None:
    """Inputs, rule, chain and output."""
    parser.add_argument("--source", type=Path, action="append", default=[], help="source list")
    parser.add_argument("--registry", type=Path, default=None, help="organisations.json")
    parser.add_argument("--min-sources", type=int, default=2, help="independent sources needed")
    parser.add_argument(
        "--independence",
        choices=("organisation", "jurisdiction"),
        default="organisation",
        help="count distinct organisations (default) or distinct jurisdictions",
    )
    parser.add_argument("--previous", type=Path, default=None, help="previous release folder")
    parser.add_argument("--validity-days", type=int, default=30, help="days until expiry")
    parser.add_argument(
        "--synthetic",
        type=int,
        default=0,
        metavar="N",
        help="with no --source: N random demo entries instead of corpus PDQ",
    )
    parser.add_argument(
        "--confirmation-key",
        type=Path,
        default=None,
        help="the provider's confirmation key file (hex), copied into the private bundle",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes that blind the table (default: one per available core)",
    )
    parser.add_argument("--out", type=Path, default=None, help="release folder to write")
    parser.add_argument(
        "--max-candidates", type=int, default=None, metavar="K",
        help="candidate budget of the release (16, 32, 64, 128, 256; default 64)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Builds and prints the release's figures and where the public and private parts are."""
    from vouchsafe.cli import UsageError
    from vouchsafe.cli.hashset_actions.common import build, default_out, make_demo_sources
    from vouchsafe.server.hashset.bundle import PRIVATE_DIR
    from vouchsafe.server.hashset.demo import DemoSources
    from vouchsafe.server.hashset.provenance import InclusionRule

    out = default_out(args.out, "release")
    if args.min_sources < 1:
        raise UsageError("--min-sources must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")

    from vouchsafe.sdk.media.candidates import BUDGETS

    if args.max_candidates is not None and args.max_candidates not in BUDGETS:
        raise UsageError(f"--max-candidates must be one of {BUDGETS}")
    if args.source:
        if args.registry is None:
            raise UsageError("--registry is required with --source")
        inputs: DemoSources | tuple[Path, list[Path]] = (args.registry, list(args.source))
    else:
        inputs = make_demo_sources(out / "demo-sources", None, args.synthetic)
    rule = InclusionRule(args.min_sources, args.independence)
    result = build(
        inputs,
        out,
        rule=rule,
        previous=args.previous,
        validity_days=args.validity_days,
        max_candidates=args.max_candidates,
        confirmation_key=args.confirmation_key,
        workers=args.workers,
    )
    release = result.release
    print(
        f"release version {_version(out)}: {result.selection.entry_count} entries "
        f"({rule.describe()}), {release.slot_count} slots, {result.release_bytes} bytes, "
        f"{result.bytes_per_entry:.1f} bytes per entry"
    )
    excluded = ", ".join(f"{k}={v}" for k, v in sorted(result.selection.exclusions.items()))
    print(f"excluded: {excluded or 'none'}")
    print(f"root (publish out of band): {release.root.hex()}")
    print(f"public: {out}/release.pb, release.root, release_key.pub, release.json")
    print(f"private server bundle (never publish): {out / PRIVATE_DIR}")
    return 0


def _version(out: Path) -> int:
    import json

    version: int = json.loads((out / "release.json").read_text(encoding="utf-8"))["version"]
    return version
