"""Signed benign source lists for tests: random 256-bit values stand in for PDQ hashes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vouchsafe.sdk.crypto import ed25519
from vouchsafe.server.hashset.sources import (
    Organisation,
    OrganisationRegistry,
    SourceRecord,
    write_registry,
    write_source_list,
)

ISSUED_AT = 1_800_000_000


@dataclass(frozen=True)
class Org:
    name: str
    jurisdiction: str
    private_key: bytes

    @property
    def public(self) -> Organisation:
        return Organisation(self.name, self.jurisdiction, ed25519.public_key(self.private_key))


def make_orgs(*spec: tuple[str, str]) -> list[Org]:
    return [Org(name, jur, ed25519.generate_private_key()) for name, jur in spec]


def registry_of(orgs: Sequence[Org]) -> OrganisationRegistry:
    return OrganisationRegistry(tuple(o.public for o in orgs))


def write_lists(
    folder: Path,
    orgs: Sequence[Org],
    listings: dict[str, list[tuple[str, bytes]]],
    confirmation: dict[bytes, bytes] | None = None,
    confirmation_key_id: str = "",
) -> tuple[Path, list[Path]]:
    """Writes organisations.json and one list per org: listings[org] = [(op, hash), ...];
    ``confirmation`` maps a PDQ hash to the confirmation hash listed next to it."""
    confirmation = confirmation or {}
    registry_path = folder / "organisations.json"
    write_registry(registry_path, registry_of(orgs))
    paths = []
    for org in orgs:
        path = folder / f"{org.name}.jsonl"
        write_source_list(
            path,
            organisation=org.name,
            private_key=org.private_key,
            list_id=f"{org.name}-1",
            issued_at=ISSUED_AT,
            records=[
                SourceRecord(
                    "pdq",
                    value,
                    ISSUED_AT - 10,
                    op=op,
                    labels=("benign-test",),
                    confirmation_hash=confirmation.get(value, b""),
                )
                for op, value in listings.get(org.name, [])
            ],
            confirmation_key_id=confirmation_key_id,
        )
        paths.append(path)
    return registry_path, paths
