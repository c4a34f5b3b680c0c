"""Source lists carry the keyed confirmation hash next to PDQ; only the private bundle holds it."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.hashset.source_helpers import ISSUED_AT, make_orgs, write_lists
from tests.hashset.stand_in import StandInBlinder, stand_in_keys
from vouchsafe.server.confirmation.key import generate_confirmation_key
from vouchsafe.server.hashset.build import build_release
from vouchsafe.server.hashset.bundle import (
    CONFIRMATION_KEY_FILE,
    PRIVATE_DIR,
    load_release_bundle,
)
from vouchsafe.server.hashset.errors import SourceListInvalid
from vouchsafe.server.hashset.provenance import InclusionRule
from vouchsafe.server.hashset.sources import read_registry, read_source_list
from vouchsafe.server.pipeline.bundle import BundleEntryIndex

PDQ = [secrets.token_bytes(32) for _ in range(3)]
SECOND = [secrets.token_bytes(32) for _ in range(3)]


def _lists(folder: Path, key_id: str, with_second: bool = True) -> tuple[Path, list[Path]]:
    orgs = make_orgs(("a", "DE"), ("b", "NL"))
    listed = [("add", p) for p in PDQ]
    second = dict(zip(PDQ, SECOND, strict=True)) if with_second else None
    return write_lists(
        folder, orgs, {"a": listed, "b": listed}, second, key_id if with_second else ""
    )


def _build(tmp_path: Path, name: str, with_second: bool = True, keyed: bool = True) -> Path:
    key = generate_confirmation_key()
    src = tmp_path / f"src-{name}"
    src.mkdir()
    registry, paths = _lists(src, key.key_id, with_second)
    result = build_release(
        registry_path=registry,
        source_paths=paths,
        out_dir=tmp_path / name,
        rule=InclusionRule(),
        now=ISSUED_AT + 10,
        blinder=StandInBlinder(),
        key_function=stand_in_keys,
        confirmation_key=key if keyed else None,
    )
    return result.directory


def test_a_source_list_round_trips_its_confirmation_hashes_and_key_id(tmp_path: Path) -> None:
    registry, paths = _lists(tmp_path, "ab" * 16)
    listed = read_source_list(paths[0], read_registry(registry))
    assert listed.confirmation_key_id == "ab" * 16
    assert [listed.confirmation_hashes[i] for i in range(3)] == SECOND


def test_a_confirmation_hash_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    registry, paths = _lists(tmp_path, "ab" * 16)
    lines = paths[0].read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(SECOND[0].hex().encode(), SECOND[0][:31].hex().encode())
    paths[0].write_bytes(b"".join(lines))
    with pytest.raises(SourceListInvalid, match="confirmation hash has 32 bytes"):
        read_source_list(paths[0], read_registry(registry))


def test_a_record_lists_up_to_eight_confirmation_hashes_and_no_more(tmp_path: Path) -> None:
    # An item's tone variants: several 32-byte hashes, concatenated in one field.
    five = [b"".join(secrets.token_bytes(32) for _ in range(5)) for _ in PDQ]
    orgs = make_orgs(("a", "DE"), ("b", "NL"))
    listed_ops = [("add", p) for p in PDQ]
    registry, paths = write_lists(
        tmp_path, orgs, {"a": listed_ops, "b": listed_ops}, dict(zip(PDQ, five, strict=True)),
        "ab" * 16,
    )  # fmt: skip
    listed = read_source_list(paths[0], read_registry(registry))
    assert [listed.confirmation_hashes[i] for i in range(3)] == five
    nine = b"".join(secrets.token_bytes(32) for _ in range(9))
    original = paths[0].read_bytes()
    paths[0].write_bytes(original.replace(five[0].hex().encode(), nine.hex().encode()))
    with pytest.raises(SourceListInvalid, match="1 to 8"):
        read_source_list(paths[0], read_registry(registry))


def test_an_entry_index_splits_a_listing_into_its_hashes() -> None:
    from vouchsafe.server.hashset.provenance import HashSetEntry, SourceListing

    five = tuple(secrets.token_bytes(32) for _ in range(5))
    listing = SourceListing("a", "DE", "l1", ISSUED_AT, (), b"".join(five), "k1")
    other = SourceListing("b", "NL", "l2", ISSUED_AT, (), five[0], "k1")
    elsewhere = SourceListing("c", "FR", "l3", ISSUED_AT, (), SECOND[0], "k2")
    entry = HashSetEntry("pdq", PDQ[0], (listing, other, elsewhere))
    assert entry.confirmation_hashes("k1") == five
    assert entry.confirmation_hashes("k2") == (SECOND[0],)


def test_the_public_release_holds_neither_the_key_nor_any_confirmation_hash(
    tmp_path: Path,
) -> None:
    out = _build(tmp_path, "r1")
    key_hex = (out / PRIVATE_DIR / CONFIRMATION_KEY_FILE).read_text().strip()
    assert (out / PRIVATE_DIR / CONFIRMATION_KEY_FILE).stat().st_mode & 0o077 == 0
    secrets_ = [bytes.fromhex(key_hex), *SECOND]
    for path in out.iterdir():
        if path.is_file():  # the public part: everything outside server/
            data = path.read_bytes()
            for value in secrets_:
                assert value not in data and value.hex().encode() not in data, path.name
    index = BundleEntryIndex(load_release_bundle(out))
    assert index.confirmation_hasher is not None
    found = index.within("pdq", PDQ[1], 0)
    assert [c.confirmation_hashes for c in found] == [(SECOND[1],)]


def test_a_list_without_confirmation_hashes_still_builds_and_the_check_is_unavailable(
    tmp_path: Path,
) -> None:
    index = BundleEntryIndex(load_release_bundle(_build(tmp_path, "plain", with_second=False)))
    assert [c.confirmation_hashes for c in index.within("pdq", PDQ[0], 0)] == [()]
    unkeyed = BundleEntryIndex(load_release_bundle(_build(tmp_path, "nokey", keyed=False)))
    assert unkeyed.confirmation_hasher is None
    assert [c.confirmation_hashes for c in unkeyed.within("pdq", PDQ[0], 0)] == [()]
