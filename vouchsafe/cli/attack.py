"""``vouchsafe attack``: run one executable attack from the threat model, or list them."""

from __future__ import annotations

import argparse

NAME = "attack"
HELP = "run an executable attack from threat_model/ (see THREAT_MODEL.md), or --list them"


def configure(parser: argparse.ArgumentParser) -> None:
    """``NAME`` (optional with --list), ``--list``, ``--set KEY=VALUE`` and ``--json``."""
    parser.add_argument("name", nargs="?", help="the attack to run (see --list)")
    parser.add_argument("--list", action="store_true", help="list the attacks and exit")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting of the attack's config (repeatable; tuples comma-separated)",
    )
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def run(args: argparse.Namespace) -> int:
    """Runs the named attack and prints its outcome; returns 0 whether or not the claim held.

    The exit status says whether the run worked, not whether the system won: a claim that
    did not hold is a finding, printed as such.
    """
    import dataclasses

    from vouchsafe.cli import UsageError
    from vouchsafe.threat_model.attacks import base

    if args.list:
        for name in base.names():
            module = base.load(name)
            print(f"{module.NUMBER}. {name:<20} {module.TITLE}")
        return 0
    if not args.name:
        raise UsageError("name an attack to run, or pass --list")
    try:
        module = base.load(args.name)
    except KeyError:
        raise UsageError(
            f"unknown attack {args.name!r}; known: {', '.join(base.names())}"
        ) from None
    try:
        config = base.config_with(module.Config, args.set)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        outcome = module.run(config)
    except base.AttackUnavailable as exc:
        raise UsageError(f"attack {args.name} cannot run here: {exc}") from None
    if args.json:
        print(outcome.to_json())
        return 0
    print(f"attack {module.NUMBER} ({module.NAME}): {module.TITLE}")
    settings = ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(config).items())
    print(f"config: {settings}")
    print(f"claim: {outcome.claim}")
    print(f"held:  {'yes' if outcome.held else 'NO'}")
    print("evidence:")
    _print_tree(outcome.evidence, indent=1)
    for note in outcome.notes:
        print(f"note: {note}")
    return 0


def _print_tree(value: object, indent: int) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, dict) or (
                isinstance(inner, list) and inner and isinstance(inner[0], dict)
            ):
                print(f"{pad}{key}:")
                _print_tree(inner, indent + 1)
            else:
                print(f"{pad}{key}: {_short(inner)}")
    elif isinstance(value, list):
        for inner in value:
            print(f"{pad}-")
            _print_tree(inner, indent + 1)


def _short(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)
