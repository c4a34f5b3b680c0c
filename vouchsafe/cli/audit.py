"""``vouchsafe audit verify --db URL``: checks the server's hash-chained audit log.

The checkpoints are checked against the provider's key, pinned by default: ``--provider-public-key
HEX``, else the seed file ``--provider-key FILE``, else the ``DB.provider-key`` file the server
creates beside a SQLite database. Without any of these the command refuses (``--unpinned``
checks internal consistency only: a log rewritten and re-signed with another key passes that).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vouchsafe.server.audit_log import KnownCheckpoint

NAME = "audit"
HELP = "check the reference server's audit log (hash chain and signed checkpoints)"
EXIT_UNSIGNED_TAIL = 3


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="recompute every link and checkpoint signature")
    verify.add_argument("--db", required=True, help="database URL, e.g. sqlite:///server.db")
    key = verify.add_mutually_exclusive_group()
    key.add_argument(
        "--provider-public-key",
        default=None,
        help="hex Ed25519 key the checkpoints must be signed with (GET /v1/provider shows it)",
    )
    key.add_argument(
        "--provider-key",
        default=None,
        help="the provider's seed file (default: DB.provider-key beside a SQLite database)",
    )
    key.add_argument(
        "--unpinned",
        action="store_true",
        help="check each checkpoint against the key it names: consistency only, not who signed",
    )
    verify.add_argument(
        "--known-checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="a checkpoint kept earlier (a /v1/transparency JSON, or its audit_checkpoint); "
        "the log must still contain it (repeatable)",
    )
    verify.add_argument(
        "--require-signed-head",
        action="store_true",
        help=f"exit {EXIT_UNSIGNED_TAIL} when entries follow the last signed checkpoint",
    )


def _pinned_key(args: argparse.Namespace) -> bytes | None:
    from vouchsafe.cli import UsageError
    from vouchsafe.sdk.crypto import ed25519
    from vouchsafe.sdk.errors import VouchsafeError
    from vouchsafe.server.keys import load_or_create_provider_key, provider_key_beside

    if args.unpinned:
        return None
    if args.provider_public_key:
        try:
            key = bytes.fromhex(args.provider_public_key)
        except ValueError as exc:
            raise UsageError("--provider-public-key must be hex") from exc
        if not ed25519.is_valid_public_key(key):
            raise UsageError("--provider-public-key is not a valid Ed25519 public key")
        return key
    path = Path(args.provider_key) if args.provider_key else provider_key_beside(args.db)
    if path is None or not path.is_file():
        raise UsageError(
            "no provider key to pin: give --provider-public-key HEX (GET /v1/provider) or "
            "--provider-key FILE, or --unpinned to check internal consistency only"
        )
    try:
        return load_or_create_provider_key(path).public_key
    except VouchsafeError as exc:
        raise UsageError(str(exc)) from exc


def _known(paths: list[str]) -> tuple[KnownCheckpoint, ...]:
    from vouchsafe.cli import UsageError
    from vouchsafe.server.audit_log import KnownCheckpoint

    known = []
    for name in paths:
        try:
            data = json.loads(Path(name).read_text(encoding="utf-8"))
            if isinstance(data, dict) and "audit_checkpoint" in data:
                data = data["audit_checkpoint"]
            known.append(KnownCheckpoint(int(data["seq"]), bytes.fromhex(data["entry_hash"])))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"cannot read a checkpoint from {name}: {exc}") from exc
    return tuple(known)


def run(args: argparse.Namespace) -> int:
    from vouchsafe.cli import UsageError
    from vouchsafe.sdk.api.signing import key_id_for
    from vouchsafe.server.audit_log import verify_audit_log
    from vouchsafe.server.storage import open_storage
    from vouchsafe.server.storage.engine import sqlite_file

    url: str = args.db
    database = sqlite_file(url)
    if database is not None and not database.is_file():
        raise UsageError(f"no database at {database}")
    pinned = _pinned_key(args)
    known = _known(args.known_checkpoint)
    storage = open_storage(url)
    try:
        result = verify_audit_log(storage, pinned, known)
    finally:
        storage.close()
    if not result.ok:
        print(f"audit log BROKEN at entry {result.first_broken_seq}: {result.reason}")
        return 1
    signer = (
        f"pinned to provider key {key_id_for(pinned)}"
        if pinned is not None
        else "UNPINNED: each checkpoint checked against the key it names (not who signed)"
    )
    print(
        f"audit log OK: {result.entries} entries, {result.checkpoints} signed checkpoints, "
        f"{signer}; {len(known)} known checkpoints found"
    )
    if result.unsigned_entries:
        first = result.signed_through + 1
        print(
            f"UNSIGNED TAIL: entries {first}..{result.entries} ({result.unsigned_entries}) follow "
            "the last signed checkpoint; edits or deletions there cannot be detected until the "
            "server signs its next checkpoint (on its timer and at shutdown)"
        )
        if args.require_signed_head:
            return EXIT_UNSIGNED_TAIL
    return 0
