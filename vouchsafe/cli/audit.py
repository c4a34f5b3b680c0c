"""``vouchsafe audit verify --db URL``: checks the server's hash-chained audit log."""

from __future__ import annotations

import argparse

NAME = "audit"
HELP = "check the reference server's audit log (hash chain and signed checkpoints)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="recompute every link and checkpoint signature")
    verify.add_argument("--db", required=True, help="database URL, e.g. sqlite:///server.db")
    verify.add_argument(
        "--provider-public-key",
        default=None,
        help="hex Ed25519 key the checkpoints must be signed with (default: the key they name)",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vouchsafe.cli import UsageError
    from vouchsafe.server.audit_log import verify_audit_log
    from vouchsafe.server.storage import open_storage

    url: str = args.db
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise UsageError(f"no database at {url.removeprefix('sqlite:///')}")
    pinned = None
    if args.provider_public_key:
        try:
            pinned = bytes.fromhex(args.provider_public_key)
        except ValueError as exc:
            raise UsageError("--provider-public-key must be hex") from exc
    storage = open_storage(url)
    try:
        result = verify_audit_log(storage, pinned)
    finally:
        storage.close()
    if result.ok:
        print(f"audit log OK: {result.entries} entries, {result.checkpoints} signed checkpoints")
        return 0
    print(f"audit log BROKEN at entry {result.first_broken_seq}: {result.reason}")
    return 1
