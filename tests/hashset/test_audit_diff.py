"""Auditors can check releases; diffs say what changed and what a delta update costs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hashset.source_helpers import ISSUED_AT, Org, make_orgs, write_lists
from tests.hashset.stand_in import StandInBlinder, stand_in_keys
from vouchsafe.server.hashset.audit import audit_public_chain, audit_with_key
from vouchsafe.server.hashset.build import BuildResult, build_release
from vouchsafe.server.hashset.diff import diff_releases
from vouchsafe.server.hashset.errors import AuditFailed
from vouchsafe.server.hashset.provenance import InclusionRule

H = [bytes([i]) * 32 for i in range(1, 12)]
BOTH = {"a": [("add", h) for h in H[:8]], "b": [("add", h) for h in H[:8]]}


def _build(
    tmp: Path,
    name: str,
    orgs: list[Org],
    listings: dict[str, list[tuple[str, bytes]]],
    blinder: StandInBlinder,
    previous: Path | None = None,
) -> tuple[BuildResult, Path, list[Path]]:
    src = tmp / f"src-{name}"
    src.mkdir()
    registry, paths = write_lists(src, orgs, listings)
    result = build_release(
        registry_path=registry,
        source_paths=paths,
        out_dir=tmp / name,
        rule=InclusionRule(),
        previous=previous,
        now=ISSUED_AT,
        blinder=blinder,
        key_function=stand_in_keys,
    )
    return result, registry, paths


def _keyed(result: BuildResult, registry: Path, paths: list[Path], blinder: StandInBlinder):  # type: ignore[no-untyped-def]
    return audit_with_key(
        result.directory,
        registry_path=registry,
        source_paths=paths,
        rule=InclusionRule(),
        blinder=blinder,
        key_function=stand_in_keys,
    )


def test_keyed_audit_confirms_an_honest_release(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    result, registry, paths = _build(tmp_path, "r1", orgs, BOTH, StandInBlinder())
    report = _keyed(result, registry, paths, StandInBlinder())
    assert report.passed, report.problems
    assert any("byte for byte" in c for c in report.checks)


def test_keyed_audit_catches_a_target_slipped_into_a_deterministic_table(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    dishonest = StandInBlinder(extra_keys=[b"target-of-no-source"])
    result, registry, paths = _build(tmp_path, "r1", orgs, BOTH, dishonest)
    report = _keyed(result, registry, paths, StandInBlinder())
    assert not report.passed
    with pytest.raises(AuditFailed):
        report.raise_if_failed()


def test_keyed_audit_cannot_see_a_target_in_a_randomised_table(tmp_path: Path) -> None:
    # The documented limit: with randomised filler, an extra element looks like filler.
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    dishonest = StandInBlinder(deterministic=False, extra_keys=[b"target-of-no-source"])
    result, registry, paths = _build(tmp_path, "r1", orgs, BOTH, dishonest)
    report = _keyed(result, registry, paths, StandInBlinder(deterministic=False))
    assert report.passed
    assert any("cannot be told apart from filler" in c for c in report.checks)


def test_keyed_audit_catches_an_entry_the_rule_does_not_admit(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    result, registry, paths = _build(tmp_path, "r1", orgs, BOTH, StandInBlinder())
    # The auditor's copy of list b lacks H[0]: the release holds an entry only one org lists.
    other_src = tmp_path / "auditor"
    other_src.mkdir()
    fewer = {"a": BOTH["a"], "b": BOTH["b"][1:]}
    from vouchsafe.server.hashset.sources import SourceRecord, write_source_list

    b_path = other_src / "b.jsonl"
    write_source_list(
        b_path,
        organisation="b",
        private_key=orgs[1].private_key,
        list_id="b-1",
        issued_at=ISSUED_AT,
        records=[SourceRecord("pdq", h, ISSUED_AT) for _, h in fewer["b"]],
    )
    report = _keyed(result, registry, [paths[0], b_path], StandInBlinder())
    assert any("entries file differs" in p for p in report.problems)


def test_public_audit_checks_the_chain(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    r1, _, _ = _build(tmp_path, "r1", orgs, BOTH, StandInBlinder())
    r2, _, _ = _build(tmp_path, "r2", orgs, BOTH, StandInBlinder(), previous=r1.directory)
    assert audit_public_chain([r1.directory, r2.directory]).passed
    assert not audit_public_chain([r2.directory, r1.directory]).passed


def test_public_audit_reports_a_tampered_release(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    r1, _, _ = _build(tmp_path, "r1", orgs, BOTH, StandInBlinder())
    path = r1.directory / "release.pb"
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    report = audit_public_chain([r1.directory])
    assert not report.passed and "release_table_mismatch" in report.problems[0]


def test_diff_of_a_rekeyed_release_counts_every_slot_changed(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"), ("c", "NL"))
    r1, _, _ = _build(tmp_path, "r1", orgs, BOTH, StandInBlinder())
    more = {"a": BOTH["a"], "b": BOTH["b"], "c": [("withdraw", H[7])]}
    r2, _, _ = _build(tmp_path, "r2", orgs, more, StandInBlinder(), previous=r1.directory)
    diff = diff_releases(r1.directory, r2.directory)
    assert diff.chained and (diff.old_version, diff.new_version) == (1, 2)
    assert (diff.entries_added, diff.entries_removed) == (0, 1)
    # Each release has a fresh server key, so no element survives into the next table.
    assert diff.changed_slots == diff.new_slots
    assert diff.delta_bytes >= diff.full_bytes
    assert any("delta" in line for line in diff.lines())

