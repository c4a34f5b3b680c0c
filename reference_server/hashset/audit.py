"""Auditing releases: what a public auditor can check, and what one with the server key can.

**Public audit** (no secrets): every release in a chain verifies in full (signature under the
release key, root equal to the published root, table hashing to it, valid and distinct
elements), versions strictly increase, each release names its predecessor's digest, and the
table size is consistent with the announced entry count.

**Keyed audit** (source lists, registry and the private server bundle): re-applies the
provenance rule to the source lists, re-derives the PSI keys of every admitted entry and checks
that (a) the private entries file and the release's entry count match exactly the admitted
entries, and (b) each admitted key's blinded element is in the table; if the blinding is
deterministic it also re-builds the whole table and compares it byte for byte. What this does
NOT prove is stated in ``threat_model/THREAT_MODEL.md`` ("What `hashset audit` proves"): slots
that are not an admitted key's element are indistinguishable from filler unless the blinding is
re-derivable.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vouchsafe.sdk.errors import ReleaseError
from vouchsafe.sdk.release import VerifiedRelease
from vouchsafe.server.hashset import bundle as layout
from vouchsafe.server.hashset.blinding import KeyedBlinder
from vouchsafe.server.hashset.build import KeyFunction, psi_keys_of
from vouchsafe.server.hashset.errors import AuditFailed, BundleInvalid
from vouchsafe.server.hashset.provenance import InclusionRule, select_entries
from vouchsafe.server.hashset.sources import read_registry, read_source_list

ELEMENT_SIZE = 32


@dataclass
class AuditReport:
    """Findings of an audit; ``problems`` empty means every check passed."""

    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def ok(self, text: str) -> None:
        self.checks.append(text)

    def fail(self, text: str) -> None:
        self.problems.append(text)

    @property
    def passed(self) -> bool:
        return not self.problems

    def raise_if_failed(self) -> None:
        """Raises AuditFailed naming the first problem."""
        if self.problems:
            raise AuditFailed(f"{len(self.problems)} problem(s); first: {self.problems[0]}")


def audit_public_chain(directories: Sequence[Path], *, now: int | None = None) -> AuditReport:
    """The public audit of one or more release folders given in version order."""
    report = AuditReport()
    releases: list[VerifiedRelease] = []
    for directory in directories:
        try:
            release = layout.load_public_release(directory, now=now)
        except (ReleaseError, BundleInvalid) as exc:
            report.fail(f"{directory}: {exc.code}: {exc}")
            continue
        report.ok(
            f"{directory}: version {release.version} verifies (signature, root, "
            f"{release.slot_count} valid distinct elements)"
        )
        if release.slot_count < release.entry_count:
            report.fail(f"{directory}: fewer slots ({release.slot_count}) than entries")
        else:
            report.ok(f"{directory}: {release.entry_count} entries in {release.slot_count} slots")
        releases.append(release)
    for older, newer in itertools.pairwise(releases):
        if newer.version <= older.version:
            report.fail(f"version {newer.version} does not follow {older.version}")
        elif newer.version == older.version + 1 and newer.previous_release_digest != older.digest:
            report.fail(f"release {newer.version} does not name release {older.version}")
        else:
            report.ok(f"release {newer.version} follows release {older.version}")
    keys = {
        (d / layout.RELEASE_PUBLIC_KEY_FILE).read_text(encoding="utf-8").strip()
        for d in directories
        if (d / layout.RELEASE_PUBLIC_KEY_FILE).is_file()
    }
    if len(keys) > 1:
        report.fail("the releases are signed by different release keys")
    return report


def audit_with_key(
    directory: Path,
    *,
    registry_path: Path,
    source_paths: Sequence[Path],
    rule: InclusionRule,
    blinder: KeyedBlinder,
    key_function: KeyFunction,
) -> AuditReport:
    """The keyed audit of one release folder against the source lists (see module docstring)."""
    report = audit_public_chain([directory])
    if not report.passed:
        return report
    loaded = layout.load_release_bundle(directory)
    registry = read_registry(registry_path)
    selection = select_entries(
        [read_source_list(p, registry) for p in source_paths], registry, rule
    )
    admitted = set(selection.entry_keys())
    recorded = set()
    with (directory / layout.PRIVATE_DIR / layout.ENTRIES_FILE).open(encoding="utf-8") as handle:
        for line in handle:
            document = json.loads(line)
            recorded.add((document["signal_type"], bytes.fromhex(document["hash"])))
    if recorded != admitted:
        report.fail(
            f"entries file differs from the rule: {len(recorded - admitted)} not admitted, "
            f"{len(admitted - recorded)} missing"
        )
    else:
        report.ok(f"entries file lists exactly the {len(admitted)} admitted entries")
    if loaded.release.entry_count != len(admitted):
        report.fail(
            f"release says {loaded.release.entry_count} entries, rule admits {len(admitted)}"
        )
    psi_keys = psi_keys_of(selection, key_function)
    table = loaded.release.table
    slots = {table[i : i + ELEMENT_SIZE] for i in range(0, len(table), ELEMENT_SIZE)}
    expected = [blinder.blinded_element(loaded.server_key_bytes, k) for k in psi_keys]
    missing = sum(1 for e in expected if e not in slots)
    if missing:
        report.fail(f"{missing} of {len(expected)} admitted PSI keys are not in the table")
    else:
        report.ok(f"all {len(expected)} admitted PSI keys are in the table")
    if blinder.deterministic:
        seed = (directory / layout.PRIVATE_DIR / layout.BUILD_SEED_FILE).read_bytes()
        rebuilt = blinder.blind(loaded.server_key_bytes, psi_keys, seed)
        if rebuilt.table == table and rebuilt.server_params == loaded.release.server_params:
            report.ok("the table re-derives byte for byte: no slot holds anything else")
        else:
            report.fail("the re-derived table differs from the released one")
    else:
        filler = len(slots) - len(set(expected))
        report.ok(
            f"{filler} slots hold no admitted key's element; the blinding is randomised, so "
            "they cannot be told apart from filler (see THREAT_MODEL.md)"
        )
    return report
