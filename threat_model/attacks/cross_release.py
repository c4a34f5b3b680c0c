"""Attack 9: two public releases as an offline membership oracle (threat T5, SPEC.md R.7).

Anyone can download every release of a chain. If two releases were blinded under the same
server key, ``alpha * H(y)`` would sit in both tables (only its slot and the fillers change),
so a device could test an item ``y`` offline: take ``y``'s two cuckoo slots in release 1 and its
two slots in release 2; if the two pairs share an element, ``y`` is on the list. The attack
builds two consecutive releases of one chain with the project's own release build
(``build_release``, what ``vouchsafe hashset build --previous`` runs, with the protocol core's
blinding), swapping ``swapped`` entries between them, and runs that test on

- every entry in both releases (members),
- as many random values never listed (non-members),
- the entries only one release holds (the change an observer would like to learn),

and counts the 32-byte elements the two tables share. As a control it builds the second
release once more with the first release's server key carried over (what the build did before
every release got a fresh key), so the run shows the oracle works when the key is reused.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vouchsafe.threat_model.attacks import pipeline
from vouchsafe.threat_model.attacks.base import AttackOutcome

if TYPE_CHECKING:
    from vouchsafe.sdk.release import VerifiedRelease
    from vouchsafe.server.hashset.blinding import BlindedTable, HashSetBlinder, KeyedBlinder

NUMBER = 9
NAME = "cross-release"
TITLE = "cross-release oracle: membership from the elements two public releases share"
_ORGANISATIONS = (("example-hotline-a", "DE"), ("example-hotline-b", "NL"))


@dataclass(frozen=True)
class Config:
    """Entries per release, entries swapped between the two releases, and whether to run the
    key-reuse control."""

    entries: int = 2000
    swapped: int = 20
    control: bool = True


def _value(seed: bytes, label: str, i: int) -> bytes:
    """A random 256-bit stand-in for a perceptual hash (benign; never a real list's hash)."""
    return hashlib.sha256(seed + label.encode() + i.to_bytes(8, "big")).digest()


class _KeyCarryingBlinder:
    """The protocol's blinding, but handing out a fixed server key: the old chain behaviour."""

    def __init__(self, inner: KeyedBlinder, server_key: bytes) -> None:
        self._inner = inner
        self._server_key = server_key

    @property
    def ciphersuite(self) -> str:
        return self._inner.ciphersuite

    def generate_server_key(self) -> bytes:
        return self._server_key

    def blind(
        self, server_key: bytes, psi_keys: Sequence[bytes], build_seed: bytes
    ) -> BlindedTable:
        return self._inner.blind(server_key, psi_keys, build_seed)


def _write_sources(folder: Path, values: Sequence[bytes], withdrawn: Sequence[bytes]) -> list[Path]:
    from vouchsafe.sdk.crypto import ed25519
    from vouchsafe.server.hashset.sources import (
        Organisation,
        OrganisationRegistry,
        SourceRecord,
        write_registry,
        write_source_list,
    )

    folder.mkdir(parents=True)
    keys = [ed25519.generate_private_key() for _ in _ORGANISATIONS]
    registry = OrganisationRegistry(
        tuple(
            Organisation(name, jurisdiction, ed25519.public_key(key))
            for (name, jurisdiction), key in zip(_ORGANISATIONS, keys, strict=True)
        )
    )
    write_registry(folder / "organisations.json", registry)
    issued_at = int(time.time())

    def records() -> Iterator[SourceRecord]:
        yield from (SourceRecord("pdq", v, issued_at) for v in values)
        yield from (SourceRecord("pdq", v, issued_at, op="withdraw") for v in withdrawn)

    paths = []
    for (name, _), key in zip(_ORGANISATIONS, keys, strict=True):
        path = folder / f"{name}.jsonl"
        write_source_list(
            path,
            organisation=name,
            private_key=key,
            list_id=f"{name}-{folder.name}",
            issued_at=issued_at,
            records=records(),
        )
        paths.append(path)
    return paths


def _build(
    root: Path,
    name: str,
    values: Sequence[bytes],
    withdrawn: Sequence[bytes] = (),
    previous: Path | None = None,
    blinder: HashSetBlinder | None = None,
) -> Path:
    from vouchsafe.server.hashset.build import build_release
    from vouchsafe.server.hashset.provenance import InclusionRule

    paths = _write_sources(root / f"sources-{name}", values, withdrawn)
    built = build_release(
        registry_path=root / f"sources-{name}" / "organisations.json",
        source_paths=paths,
        out_dir=root / name,
        rule=InclusionRule(),
        previous=previous,
        blinder=blinder,
    )
    return built.directory


def _slot_pairs(release: VerifiedRelease, value: bytes) -> list[set[bytes]]:
    """For each PSI key of ``value``, the elements at its two cuckoo slots in ``release``."""
    from vouchsafe.sdk.media.candidates import hash_set_keys
    from vouchsafe.sdk.tpsi.cuckoo import CuckooPositions

    p = release.params
    positions = CuckooPositions(p.table_size, p.cuckoo_nonce_1, p.cuckoo_nonce_2)
    return [{release.element(w) for w in positions(key)} for key in hash_set_keys("pdq", value)]


def flagged(first: VerifiedRelease, second: VerifiedRelease, value: bytes) -> bool:
    """The oracle: some PSI key of ``value`` finds a common element in its slots of both."""
    return any(
        a & b for a, b in zip(_slot_pairs(first, value), _slot_pairs(second, value), strict=True)
    )


def shared_elements(first: VerifiedRelease, second: VerifiedRelease) -> int:
    """How many 32-byte elements the two tables have in common."""
    one = {first.element(i) for i in range(first.slot_count)}
    return sum(second.element(i) in one for i in range(second.slot_count))


def _oracle_counts(
    first: VerifiedRelease, second: VerifiedRelease, groups: Mapping[str, Sequence[bytes]]
) -> dict[str, int]:
    counts = {f"{name}_flagged": sum(flagged(first, second, v) for v in values)
              for name, values in groups.items()}
    counts["shared_elements"] = shared_elements(first, second)
    return counts


def run(config: Config) -> AttackOutcome:
    """Builds the two releases (and the control), runs the oracle and scores it."""
    pipeline.require_tpsi()
    from vouchsafe.server.hashset.blinding import default_blinder
    from vouchsafe.server.hashset.bundle import PRIVATE_DIR, SERVER_KEY_FILE, load_public_release

    if not 0 < config.swapped < config.entries:
        raise ValueError("swapped must be between 1 and entries - 1")
    seed = secrets.token_bytes(16)
    kept = [_value(seed, "kept", i) for i in range(config.entries - config.swapped)]
    removed = [_value(seed, "removed", i) for i in range(config.swapped)]
    added = [_value(seed, "added", i) for i in range(config.swapped)]
    strangers = [_value(seed, "never-listed", i) for i in range(config.entries)]
    groups = {"members": kept, "non_members": strangers, "changed": removed + added}
    with tempfile.TemporaryDirectory(prefix="vouchsafe-cross-release-") as tmp:
        root = Path(tmp)
        first_dir = _build(root, "release-1", kept + removed)
        second_dir = _build(root, "release-2", kept + added, removed, previous=first_dir)
        first, second = load_public_release(first_dir), load_public_release(second_dir)
        fresh = _oracle_counts(first, second, groups)
        control: dict[str, int] | None = None
        if config.control:
            old_key = (first_dir / PRIVATE_DIR / SERVER_KEY_FILE).read_bytes()
            reused = _KeyCarryingBlinder(default_blinder(), old_key)
            reused_dir = _build(root, "release-2-key-reused", kept + added, removed,
                                previous=first_dir, blinder=reused)
            control = _oracle_counts(first, load_public_release(reused_dir), groups)
    # Under fresh keys the elements are independent uniform group elements, so a shared element
    # (and with it any flag) has probability about slots^2 / 2^252: zero is what chance gives.
    chance_shared = first.slot_count * second.slot_count / 2.0**252
    members = len(kept)
    noise = 3 * math.sqrt(0.25 / members)
    evidence: dict[str, object] = {
        "entries_per_release": config.entries,
        "swapped": config.swapped,
        "slots": [first.slot_count, second.slot_count],
        "fresh_server_key_per_release": {
            **fresh,
            "member_rate": round(fresh["members_flagged"] / members, 4),
            "non_member_rate": round(fresh["non_members_flagged"] / len(strangers), 4),
        },
        "expected_shared_elements_by_chance": chance_shared,
    }
    if control is not None:
        evidence["control_server_key_reused"] = {
            **control,
            "member_rate": round(control["members_flagged"] / members, 4),
            "non_member_rate": round(control["non_members_flagged"] / len(strangers), 4),
        }
    rate_gap = (fresh["members_flagged"] - fresh["non_members_flagged"]) / members
    held = fresh["shared_elements"] == 0 and rate_gap <= noise and fresh["changed_flagged"] == 0
    notes = [
        "both releases are built by build_release (vouchsafe hashset build --previous) with the "
        "protocol core's blinding; entries are random 256-bit stand-ins",
    ]
    if control is not None:
        notes.append(
            "the control re-builds release 2 with release 1's server key carried over, as the "
            "build did before every release got its own key"
        )
    claim = (
        "Two consecutive public releases of one chain share no table elements beyond chance, so "
        "comparing them finds no more members than non-members (each release has a fresh "
        "server key)"
    )
    return AttackOutcome(claim=claim, held=held, evidence=evidence, notes=tuple(notes))
