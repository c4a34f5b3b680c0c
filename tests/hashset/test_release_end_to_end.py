"""Real releases (protocol core blinding, PDQ, PSI keys) from source lists to matched vouchers.

Transcript: two organisations list the PDQ hashes of ten generated benign images; release 1 is
built and installed on a device; one organisation then withdraws an entry and release 2 is
built and installed. The device's vouchers under release 1 and release 2 count toward one
account threshold on the server, and the withdrawn entry is no longer confirmed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hashset.source_helpers import ISSUED_AT, Org, make_orgs, write_lists
from tests.tpsi.conftest import TEST_ACCOUNT_ID
from vouchsafe.imagegen import synthetic_images
from vouchsafe.sdk import errors
from vouchsafe.sdk.media.candidates import psi_candidates
from vouchsafe.sdk.media.signal_types import HashResult, get_signal_type
from vouchsafe.sdk.release import ReleaseHolder
from vouchsafe.sdk.tpsi import (
    account_from_secret,
    generate_voucher,
    process_voucher,
    recover_associated_data,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.server.hashset.audit import audit_public_chain, audit_with_key
from vouchsafe.server.hashset.blinding import TpsiBlinder, hash_set_keys
from vouchsafe.server.hashset.build import BuildResult, build_release
from vouchsafe.server.hashset.bundle import load_release_bundle
from vouchsafe.server.hashset.provenance import InclusionRule

NOW = ISSUED_AT + 60
SECRET = bytes(range(32))
THRESHOLD = 3


@pytest.fixture(scope="module")
def hashed() -> list[HashResult]:
    pdq = get_signal_type("pdq")
    return [pdq.hash_media(image) for image in synthetic_images(10)]


def _build(
    tmp: Path,
    name: str,
    orgs: list[Org],
    listings: dict[str, list[tuple[str, bytes]]],
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
        now=NOW,
        blinder=TpsiBlinder(),
        key_function=hash_set_keys,
    )
    return result, registry, paths


def _install(holder: ReleaseHolder, folder: Path) -> None:
    holder.install(
        (folder / "release.pb").read_bytes(), bytes.fromhex((folder / "release.root").read_text())
    )


def test_vouchers_under_two_releases_count_toward_one_threshold(
    tmp_path: Path, hashed: list[HashResult]
) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"), ("c", "NL"))
    listed = {o: [("add", h.bits) for h in hashed] for o in ("a", "b")}
    r1, _, _ = _build(tmp_path, "r1", orgs, listed)
    withdrawn = {**listed, "c": [("withdraw", hashed[9].bits)]}
    r2, _, _ = _build(tmp_path, "r2", orgs, withdrawn, previous=r1.directory)
    assert (r1.selection.entry_count, r2.selection.entry_count) == (10, 9)

    # Device: release 1, vouchers for items 0 and 9; then release 2, vouchers for 1 and 2.
    pub = bytes.fromhex((r1.directory / "release_key.pub").read_text())
    holder = ReleaseHolder(pub, clock=lambda: NOW)
    vouchers = []
    for folder, items in ((r1.directory, (0, 9)), (r2.directory, (1, 2))):
        _install(holder, folder)
        blinded = holder.current.blinded_hash_set()
        account = account_from_secret(blinded.params, SECRET, threshold=THRESHOLD)
        for i in items:
            vouchers.append(
                generate_voucher(
                    account,
                    blinded,
                    candidate_hashes=psi_candidates(hashed[i]),
                    item_id=b"item-%d" % i,
                    associated_data=hashed[i].bits,
                    account_id=TEST_ACCOUNT_ID,
                    schedule=SyntheticSchedule.never(),
                )
            )
    assert holder.current.version == 2

    # Server: each voucher opens under the release it names; shares of both releases combine.
    bundles = {b.params_digest: b for b in map(load_release_bundle, (r1.directory, r2.directory))}
    opened = []
    for voucher in vouchers:
        bundle = bundles[voucher.params_digest]
        result = process_voucher(
            bundle.server_key, bundle.blinded_hash_set(), voucher, account_id=TEST_ACCOUNT_ID
        )
        assert result is not None
        opened.append(result)
    recovered = recover_associated_data([b.release.params for b in bundles.values()], opened)
    assert recovered.threshold_reached
    by_id = {item.item_id: item.associated_data for item in recovered.items}
    assert set(by_id) == {b"item-0", b"item-1", b"item-2", b"item-9"}
    # Item 9 matched under release 1 and counted; the second check runs against the newest
    # release, where the withdrawn entry is gone, so it is not confirmed.
    newest = load_release_bundle(r2.directory)
    assert newest.find_entries("pdq", by_id[b"item-0"])
    assert newest.find_entries("pdq", by_id[b"item-9"]) == []


def test_keyed_audit_rebuilds_a_real_release_byte_for_byte(
    tmp_path: Path, hashed: list[HashResult]
) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    listed = {o: [("add", h.bits) for h in hashed[:6]] for o in ("a", "b")}
    r1, registry, paths = _build(tmp_path, "r1", orgs, listed)
    assert audit_public_chain([r1.directory]).passed
    report = audit_with_key(
        r1.directory,
        registry_path=registry,
        source_paths=paths,
        rule=InclusionRule(),
        blinder=TpsiBlinder(),
        key_function=hash_set_keys,
    )
    assert report.passed, report.problems
    assert any("byte for byte" in line for line in report.checks)


def test_release_whose_params_do_not_commit_to_its_table_is_refused(
    tmp_path: Path, hashed: list[HashResult]
) -> None:
    from tests.hashset.release_helpers import RELEASE_PUB, make_release

    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    listed = {o: [("add", h.bits) for h in hashed[:4]] for o in ("a", "b")}
    r1, _, _ = _build(tmp_path, "r1", orgs, listed)
    real = load_release_bundle(r1.directory).release
    # Same table, signed by a release key, but with parameters of another table.
    altered = real.server_params[:-1] + bytes([real.server_params[-1] ^ 1])
    other = make_release(real.table, server_params=altered)
    holder = ReleaseHolder(RELEASE_PUB, clock=lambda: NOW)
    with pytest.raises(errors.ReleaseParamsMismatch):
        holder.install(other.data, other.root)
    assert not holder.has_release


def test_consecutive_releases_of_one_chain_share_no_table_element(
    tmp_path: Path, hashed: list[HashResult]
) -> None:
    orgs = make_orgs(("a", "DE"), ("b", "FR"))
    listed = {o: [("add", h.bits) for h in hashed] for o in ("a", "b")}
    r1, _, _ = _build(tmp_path, "r1", orgs, listed)
    r2, _, _ = _build(tmp_path, "r2", orgs, listed, previous=r1.directory)
    first, second = (load_release_bundle(r.directory) for r in (r1, r2))
    assert second.release.previous_release_digest == first.release.digest
    assert first.server_key_bytes != second.server_key_bytes
    # Same entries, so with one key every entry's element would appear in both tables; with a
    # fresh key per release, a common element has probability ~ slots^2 / 2^252.
    table_1, table_2 = first.release.table, second.release.table
    elements_1 = {table_1[i : i + 32] for i in range(0, len(table_1), 32)}
    assert not any(table_2[i : i + 32] in elements_1 for i in range(0, len(table_2), 32))
