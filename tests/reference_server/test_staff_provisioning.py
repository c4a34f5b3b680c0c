"""The staff file is the truth at every start: staff no longer listed lose every endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.reference_server.conftest import (
    KNOWN_HASH,
    THRESHOLD,
    Clock,
    InProcessServer,
    make_settings,
)
from tests.reference_server.fakes import FakeMatcher, fake_voucher, upload
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.errors import ServerRejected
from vouchsafe.server.app import create_app
from vouchsafe.server.pipeline.matching import ConfirmationEntry, ListEntryIndex
from vouchsafe.server.settings import StaffKey
from vouchsafe.server.storage.records import ROLE_REVOKED


@contextmanager
def _started(
    tmp_path: Path, keys: dict[str, Ed25519PrivateKey], **over: object
) -> Iterator[InProcessServer]:
    """The app over the same database each time, with ``keys`` (or ``staff=``) as its staff file."""
    entries = ListEntryIndex((ConfirmationEntry("entry-1", "pdq", KNOWN_HASH),))
    settings = make_settings(f"sqlite:///{tmp_path / 'staff.db'}", keys).with_overrides(**over)
    clock = Clock()
    app = create_app(settings, matcher=FakeMatcher(THRESHOLD), entries=entries, clock=clock)
    with TestClient(app) as http:
        yield InProcessServer(http, app.state.ctx, clock, keys)


def _pending_appeal(server: InProcessServer) -> str:
    """Alice's confirmed report appealed; returns the appeal's review id."""
    alice = server.user("alice")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer1 = server.staff("reviewer1")
    item = reviewer1.review_queue()[0]
    reviewer1.reveal(item.review_id)
    report_id = reviewer1.decide(item.review_id, True).report_id
    alice.file_appeal(report_id, "my own photo")
    queue = server.staff("reviewer2").review_queue()
    return next(i.review_id for i in queue if i.kind == api_pb2.REVIEW_KIND_APPEAL)


def test_a_reviewer_removed_from_the_staff_file_can_no_longer_decide(
    tmp_path: Path, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    with _started(tmp_path, staff_keys) as server:
        appeal_review = _pending_appeal(server)
    without = {name: key for name, key in staff_keys.items() if name != "reviewer2"}
    with _started(tmp_path, without) as server:
        reviewer2 = server.client(staff_keys["reviewer2"])
        with pytest.raises(ServerRejected) as refused:
            reviewer2.decide(appeal_review, False, notes="appeal upheld")
        assert (refused.value.status, refused.value.server_code) == (403, "forbidden")
        with pytest.raises(ServerRejected):
            reviewer2.review_queue()
        with server.ctx.storage.read() as tx:
            assert tx.accounts.get(reviewer2.account_id).role == ROLE_REVOKED  # type: ignore[union-attr]
            kinds = [e.kind for e in tx.audit.entries(limit=10_000)]
        assert kinds.count("staff_revoked") == 1
    with _started(tmp_path, staff_keys) as server:  # listed again: the role comes back
        decided = server.client(staff_keys["reviewer2"]).decide(appeal_review, False)
        assert decided.appeal_id


def test_a_changed_role_in_the_staff_file_replaces_the_old_one(
    tmp_path: Path, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    with _started(tmp_path, staff_keys):
        pass
    public = staff_keys["reviewer1"].public_key().public_bytes_raw()
    others = make_settings("memory:", staff_keys).staff
    moved = (
        *(m for m in others if m.name != "reviewer1"),
        StaffKey("reviewer1", "auditor", public),
    )
    with _started(tmp_path, staff_keys, staff=moved) as server:
        former = server.staff("reviewer1")
        with pytest.raises(ServerRejected) as refused:
            former.review_queue()
        assert refused.value.server_code == "forbidden"
        assert former.audit_verify()["ok"]


def test_starting_without_a_staff_file_revokes_every_staff_account(
    tmp_path: Path, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    with _started(tmp_path, staff_keys) as server:
        ids = [server.staff(name).account_id for name in staff_keys]
    with _started(tmp_path, {}) as server, server.ctx.storage.read() as tx:
        assert {tx.accounts.get(i).role for i in ids} == {ROLE_REVOKED}  # type: ignore[union-attr]
