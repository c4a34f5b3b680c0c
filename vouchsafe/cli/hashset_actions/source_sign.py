"""``vouchsafe hashset source-sign``: turn a plain list into a signed source list.

Input is tab-separated text, one record a line: ``SIGNAL_TYPE<TAB>HEX[<TAB>LABEL,LABEL]``; a
line starting with ``-`` (``-pdq<TAB>HEX``) is a tombstone (the organisation withdraws it).
With no input it signs a small demo list (PDQ of generated benign images) with a fresh key.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vouchsafe.server.hashset.sources import SourceRecord

NAME = "source-sign"
HELP = "sign a list of perceptual hashes as an organisation's source list"


def configure(parser: argparse.ArgumentParser) -> None:
    """Input list, key, organisation and output."""
    parser.add_argument("--input", type=Path, help="TSV list (default: demo list of 8 hashes)")
    parser.add_argument("--key", type=Path, help="organisation's Ed25519 key, hex (default: new)")
    parser.add_argument("--organisation", default="example-hotline-a", help="organisation name")
    parser.add_argument("--jurisdiction", default="DE", help="jurisdiction (for a new registry)")
    parser.add_argument("--list-id", default=None, help="list identifier (default: name-time)")
    parser.add_argument("--out", type=Path, default=None, help="output folder")


def _read_tsv(path: Path, now: int) -> list[SourceRecord]:
    from vouchsafe.cli import UsageError
    from vouchsafe.server.hashset.sources import SourceRecord

    records: list[SourceRecord] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        op = "withdraw" if fields[0].startswith("-") else "add"
        try:
            value = bytes.fromhex(fields[1])
        except (IndexError, ValueError):
            raise UsageError(f"{path}:{number}: expected SIGNAL_TYPE<TAB>HEX") from None
        labels = tuple(t for t in fields[2].split(",") if t) if len(fields) > 2 else ()
        records.append(SourceRecord(fields[0].lstrip("-"), value, now, op=op, labels=labels))
    return records


def run(args: argparse.Namespace) -> int:
    """Writes ``source-list.jsonl`` (and key and registry when new) into the output folder."""
    from vouchsafe.cli.hashset_actions.common import default_out
    from vouchsafe.sdk.crypto import ed25519
    from vouchsafe.server.hashset.bundle import write_private
    from vouchsafe.server.hashset.demo import DEMO_LABEL
    from vouchsafe.server.hashset.sources import (
        Organisation,
        OrganisationRegistry,
        SourceRecord,
        write_registry,
        write_source_list,
    )

    out = default_out(args.out, "source-sign")
    out.mkdir(parents=True, exist_ok=True)
    now = int(time.time())
    if args.input is not None:
        records = _read_tsv(args.input, now)
    else:
        records = [SourceRecord("pdq", v, now, labels=(DEMO_LABEL,)) for v in _demo_hashes()]
    if args.key is not None:
        key = bytes.fromhex(args.key.read_text(encoding="utf-8").strip())
    else:
        key = ed25519.generate_private_key()
        write_private(out / "organisation.key", key.hex().encode() + b"\n")
        org = Organisation(args.organisation, args.jurisdiction, ed25519.public_key(key))
        write_registry(out / "organisations.json", OrganisationRegistry((org,)))
    path = out / "source-list.jsonl"
    write_source_list(
        path,
        organisation=args.organisation,
        private_key=key,
        list_id=args.list_id or f"{args.organisation}-{now}",
        issued_at=now,
        records=records,
    )
    print(f"signed {len(records)} records as {args.organisation}: {path}")
    print(f"public key: {ed25519.public_key(key).hex()}")
    return 0


def _demo_hashes() -> list[bytes]:
    """PDQ of eight generated benign images."""
    from vouchsafe.imagegen import synthetic_images
    from vouchsafe.server.hashset.demo import pdq_of_pil

    return [pdq_of_pil(image) for image in synthetic_images(8)]
