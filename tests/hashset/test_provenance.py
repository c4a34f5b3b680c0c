"""The provenance rule admits exactly what enough independent organisations list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hashset.source_helpers import make_orgs, registry_of, write_lists
from vouchsafe.server.hashset.errors import (
    SourceListInvalid,
    SourceListSignatureInvalid,
    UnknownOrganisation,
)
from vouchsafe.server.hashset.provenance import InclusionRule, Selection, select_entries
from vouchsafe.server.hashset.sources import read_registry, read_source_list

H = [bytes([i]) * 32 for i in range(1, 9)]


def _select(
    tmp_path: Path,
    listings: dict[str, list[tuple[str, bytes]]],
    rule: InclusionRule | None = None,
) -> Selection:
    orgs = make_orgs(("a", "DE"), ("b", "DE"), ("c", "FR"))
    registry_path, paths = write_lists(tmp_path, orgs, listings)
    registry = read_registry(registry_path)
    sources = [read_source_list(p, registry) for p in paths]
    return select_entries(sources, registry, rule or InclusionRule())


def test_entry_needs_two_distinct_organisations_by_default(tmp_path: Path) -> None:
    selection = _select(
        tmp_path,
        {"a": [("add", H[0]), ("add", H[1])], "b": [("add", H[0])], "c": [("add", H[2])]},
    )
    assert [value for _, value in selection.entry_keys()] == [H[0]]
    assert selection.exclusions["too_few_organisations"] == 2


def test_min_sources_is_configurable(tmp_path: Path) -> None:
    listings = {"a": [("add", H[0]), ("add", H[1])], "b": [("add", H[0])], "c": [("add", H[0])]}
    three = _select(tmp_path, listings, InclusionRule(min_sources=3))
    assert [v for _, v in three.entry_keys()] == [H[0]]
    one = _select(tmp_path, listings, InclusionRule(min_sources=1))
    assert sorted(v for _, v in one.entry_keys()) == [H[0], H[1]]


def test_jurisdiction_rule_needs_organisations_in_different_jurisdictions(tmp_path: Path) -> None:
    listings = {"a": [("add", H[0]), ("add", H[1])], "b": [("add", H[0])], "c": [("add", H[1])]}
    selection = _select(tmp_path, listings, InclusionRule(independence="jurisdiction"))
    # H[0]: a and b are both in DE; H[1]: a (DE) and c (FR).
    assert [v for _, v in selection.entry_keys()] == [H[1]]
    assert selection.exclusions["too_few_jurisdictions"] == 1


def test_two_lists_from_one_organisation_count_once(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    registry_path, paths = write_lists(tmp_path, orgs, {"a": [("add", H[0])], "b": []})
    second = tmp_path / "a-again.jsonl"
    second.write_bytes(paths[0].read_bytes())
    registry = read_registry(registry_path)
    sources = [read_source_list(p, registry) for p in (paths[0], second, paths[1])]
    selection = select_entries(sources, registry, InclusionRule())
    assert selection.entry_count == 0


def test_tombstone_from_any_source_removes_the_entry(tmp_path: Path) -> None:
    selection = _select(
        tmp_path,
        {
            "a": [("add", H[0]), ("add", H[1])],
            "b": [("add", H[0]), ("add", H[1])],
            "c": [("withdraw", H[1])],
        },
    )
    assert [v for _, v in selection.entry_keys()] == [H[0]]
    assert selection.exclusions["withdrawn"] == 1


def test_admitted_entry_keeps_its_provenance(tmp_path: Path) -> None:
    selection = _select(tmp_path, {"a": [("add", H[3])], "c": [("add", H[3])]})
    (entry,) = list(selection.entries())
    assert entry.signal_type == "pdq" and entry.perceptual_hash == H[3]
    assert {(x.organisation, x.jurisdiction, x.list_id) for x in entry.listings} == {
        ("a", "DE", "a-1"),
        ("c", "FR", "c-1"),
    }
    assert all(x.listed_at > 0 and x.labels == ("benign-test",) for x in entry.listings)


def test_source_list_with_a_changed_record_fails_its_signature(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"))
    registry_path, (path,) = write_lists(tmp_path, orgs, {"a": [("add", H[0])]})
    path.write_text(path.read_text().replace(H[0].hex(), H[1].hex()))
    with pytest.raises(SourceListSignatureInvalid):
        read_source_list(path, read_registry(registry_path))


def test_source_list_signed_by_an_unregistered_key_is_refused(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"))
    impostor = make_orgs(("a", "DE"))
    _, (forged,) = write_lists(tmp_path, impostor, {"a": [("add", H[0])]})
    with pytest.raises(SourceListSignatureInvalid):
        read_source_list(forged, registry_of(orgs))


def test_source_list_of_an_unknown_organisation_is_refused(tmp_path: Path) -> None:
    _, (path,) = write_lists(tmp_path, make_orgs(("z", "XX")), {"z": [("add", H[0])]})
    with pytest.raises(UnknownOrganisation):
        read_source_list(path, registry_of(make_orgs(("a", "DE"))))


@pytest.mark.parametrize(
    "bad_line",
    [
        "not json",
        json.dumps({"op": "add", "signal_type": "pdq", "hash": "abcd", "listed_at": 1}),
        json.dumps({"op": "replace", "signal_type": "pdq", "hash": "00" * 32, "listed_at": 1}),
    ],
)
def test_malformed_record_is_refused_with_its_line(tmp_path: Path, bad_line: str) -> None:
    orgs = make_orgs(("a", "DE"))
    registry_path, (path,) = write_lists(tmp_path, orgs, {"a": [("add", H[0])]})
    lines = path.read_text().splitlines()
    lines.insert(1, bad_line)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceListInvalid) as raised:
        read_source_list(path, read_registry(registry_path))
    assert raised.value.field == "line 2"


def test_records_of_unknown_signal_types_are_counted_as_excluded(tmp_path: Path) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    registry_path, paths = write_lists(tmp_path, orgs, {"a": [("add", H[0])], "b": [("add", H[0])]})
    # Re-sign list a with an extra record of an unknown signal type.
    from vouchsafe.server.hashset.sources import SourceRecord, write_source_list

    write_source_list(
        paths[0],
        organisation="a",
        private_key=orgs[0].private_key,
        list_id="a-2",
        issued_at=1,
        records=[SourceRecord("pdq", H[0], 1), SourceRecord("tmk", b"\x01" * 7, 1)],
    )
    registry = read_registry(registry_path)
    selection = select_entries(
        [read_source_list(p, registry) for p in paths], registry, InclusionRule()
    )
    assert selection.entry_count == 1
    assert selection.exclusions["unsupported_signal_type"] == 1
