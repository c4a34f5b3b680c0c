"""The whole pipeline in process, with the stand-in matcher: threshold, review, report, appeal."""

from __future__ import annotations

import dataclasses
import json
import secrets

import pytest

from tests.reference_server.conftest import KNOWN_HASH, THRESHOLD, InProcessServer
from tests.reference_server.fakes import fake_voucher, upload
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.provider_signatures import verify_signed_report
from vouchsafe.sdk.errors import ProviderSignatureError, ServerRejected
from vouchsafe.server.audit_log import verify_audit_log

FAR_HASH = bytes.fromhex("0f" * 32)  # 256 bits from KNOWN_HASH: a coarse-key collision


def _near(hash_: bytes, bits: int) -> bytes:
    value = int.from_bytes(hash_, "big") ^ ((1 << bits) - 1)
    return value.to_bytes(32, "big")


def _audit_kinds(server: InProcessServer) -> list[str]:
    with server.ctx.storage.transaction() as tx:
        return [e.kind for e in tx.audit.entries(limit=10_000)]


def test_server_learns_nothing_below_threshold(server: InProcessServer) -> None:
    alice = server.user("alice")
    for _ in range(THRESHOLD - 1):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    upload(alice, fake_voucher(2))  # synthetic
    assert server.staff("reviewer1").review_queue() == []
    kinds = set(_audit_kinds(server))
    assert kinds <= {"staff_provisioned", "account_registered", "voucher_received"}
    figures = alice.transparency()["figures"]
    assert figures["accounts_past_threshold"] == 0
    assert figures["vouchers_received"] == THRESHOLD


def test_match_to_report_to_appeal_round_trip(server: InProcessServer) -> None:
    alice, bob = server.user("alice"), server.user("bob")
    reviewer1, reviewer2 = server.staff("reviewer1"), server.staff("reviewer2")
    authority, auditor = server.staff("authority"), server.staff("auditor")
    for n in range(THRESHOLD):
        upload(alice, fake_voucher(1, _near(KNOWN_HASH, n * 5)))
    upload(alice, fake_voucher(1, FAR_HASH))
    upload(bob, fake_voucher(1, KNOWN_HASH))

    queue = reviewer1.review_queue()
    assert len(queue) == THRESHOLD
    assert {item.account_id for item in queue} == {alice.account_id}
    assert all(item.visual_derivative_type == "image/png" for item in queue)
    assert sorted(item.match_distance for item in queue) == [0, 5, 10]

    first, second = sorted(queue, key=lambda item: item.match_distance)[:2]
    reviewer1.reveal(first.review_id)
    confirmed = reviewer1.decide(first.review_id, True, notes="matches entry", urgent=True)
    assert confirmed.report_id
    not_confirmed = reviewer1.decide(second.review_id, False, notes="benign")
    assert not not_confirmed.report_id
    with pytest.raises(ServerRejected) as again:
        reviewer2.decide(first.review_id, True)
    assert again.value.server_code == "conflict"

    reports = authority.reports()
    assert [r.report_id for r in reports] == [confirmed.report_id]
    signed = reports[0].signed_report
    report = verify_signed_report(signed, alice.provider().public_key)
    assert report.account_id == alice.account_id and report.urgent
    assert report.items[0].perceptual_hash == KNOWN_HASH
    assert report.review.reviewer_id == reviewer1.account_id and report.review.derivative_viewed
    assert report.account_action == "suspended"
    assert authority.dispose(confirmed.report_id, True).status == api_pb2.REPORT_STATUS_FORWARDED

    assert alice.lookup(account_id=alice.account_id).status == api_pb2.ACCOUNT_STATUS_SUSPENDED
    with pytest.raises(ServerRejected) as suspended:
        alice.send_message(bob.account_id, secrets.token_bytes(16), b"ciphertext")
    assert suspended.value.server_code == "account_suspended"
    assert [n.kind for n in alice.notifications()] == ["account_suspended"]

    appeal = alice.file_appeal(confirmed.report_id, "this is my own holiday photo")
    assert appeal.status == api_pb2.APPEAL_STATUS_RECEIVED
    assert all(i.kind != api_pb2.REVIEW_KIND_APPEAL for i in reviewer1.review_queue())
    appeal_items = [i for i in reviewer2.review_queue() if i.kind == api_pb2.REVIEW_KIND_APPEAL]
    assert len(appeal_items) == 1 and appeal_items[0].appeal_reason.startswith("this is my")
    decided = reviewer2.decide(appeal_items[0].review_id, False, notes="appeal upheld")
    assert decided.appeal_id == appeal.appeal_id

    assert alice.appeals()[0].status == api_pb2.APPEAL_STATUS_UPHELD
    with pytest.raises(ServerRejected) as twice:
        alice.file_appeal(confirmed.report_id, "again")
    assert twice.value.server_code == "conflict"
    assert alice.lookup(account_id=alice.account_id).status == api_pb2.ACCOUNT_STATUS_ACTIVE
    statuses = {r.report_id: r.status for r in authority.reports()}
    assert statuses[confirmed.report_id] == api_pb2.REPORT_STATUS_RETRACTED
    opinions = auditor.call_json("/v1/audit/opinions", api_pb2.AuditQuery(version=1))
    assert [(o["entry_id"], o["verdict"]) for o in opinions] == [("entry-1", "false_positive")]

    figures = alice.transparency()["figures"]
    assert figures["vouchers_received"] == THRESHOLD + 2
    assert figures["accounts_past_threshold"] == 1
    assert figures["collisions_dropped"] == 1
    assert figures["reviews_queued"] == THRESHOLD
    assert (figures["reviews_confirmed"], figures["reviews_not_confirmed"]) == (1, 1)
    assert figures["reports_delivered"] == 1 and figures["reports_forwarded"] == 1
    assert figures["reports_retracted"] == 1
    assert (figures["appeals_received"], figures["appeals_upheld"]) == (1, 1)
    assert figures["appeal_median_handling_ms"] is not None
    assert figures["request_errors"] == {"account_suspended": 1, "conflict": 2}
    assert auditor.audit_verify()["ok"] is True


def test_appeal_cannot_be_decided_by_the_original_reviewer(server: InProcessServer) -> None:
    alice = server.user()
    reviewer1 = server.staff("reviewer1")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer1.reveal(reviewer1.review_queue()[0].review_id)
    report_id = reviewer1.decide(reviewer1.review_queue()[0].review_id, True).report_id
    alice.file_appeal(report_id, "mistake")
    with server.ctx.storage.transaction() as tx:
        appeal_review = [i for i in tx.review.for_account(alice.account_id) if i.kind == "appeal"]
    with pytest.raises(ServerRejected) as refused:
        reviewer1.decide(appeal_review[0].review_id, False)
    assert refused.value.server_code == "forbidden"


def test_manifestly_unfounded_needs_a_reason_and_returns_it(server: InProcessServer) -> None:
    alice = server.user()
    reviewer, authority = server.staff("reviewer1"), server.staff("authority")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer.reveal(reviewer.review_queue()[0].review_id)
    report_id = reviewer.decide(reviewer.review_queue()[0].review_id, True).report_id
    with pytest.raises(ServerRejected) as no_reason:
        authority.dispose(report_id, False)
    assert no_reason.value.field == "reason"
    authority.dispose(report_id, False, reason="image is a landscape")
    entry = authority.reports(api_pb2.REPORT_STATUS_MANIFESTLY_UNFOUNDED)[0]
    assert entry.reason == "image is a landscape"
    assert alice.lookup(account_id=alice.account_id).status == api_pb2.ACCOUNT_STATUS_ACTIVE
    assert [n.kind for n in alice.notifications()] == ["account_suspended", "account_reinstated"]
    with server.ctx.storage.read() as tx:
        assert [o.verdict for o in tx.opinions.list()] == ["false_positive"]


def test_unfounded_verdict_keeps_the_suspension_while_another_report_stands(
    server: InProcessServer,
) -> None:
    alice = server.user()
    reviewer, authority = server.staff("reviewer1"), server.staff("authority")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    first, second = reviewer.review_queue()[:2]
    reviewer.reveal(first.review_id)
    report_1 = reviewer.decide(first.review_id, True).report_id
    reviewer.reveal(second.review_id)
    report_2 = reviewer.decide(second.review_id, True).report_id
    authority.dispose(report_2, True)
    authority.dispose(report_1, False, reason="not what the list says")
    assert alice.lookup(account_id=alice.account_id).status == api_pb2.ACCOUNT_STATUS_SUSPENDED
    second_report = verify_signed_report(
        authority.reports(api_pb2.REPORT_STATUS_FORWARDED)[0].signed_report,
        alice.provider().public_key,
    )
    assert second_report.account_action == "already suspended"
    assert [n.kind for n in alice.notifications()] == ["account_suspended"]
    assert alice.transparency()["figures"]["accounts_suspended"] == 1


def test_threshold_rerun_does_not_queue_twice(server: InProcessServer) -> None:
    from vouchsafe.server.pipeline.threshold import run_threshold

    alice = server.user()
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    with server.ctx.storage.transaction() as tx:
        assert run_threshold(server.ctx, tx, alice.account_id) == 0
    assert len(server.staff("reviewer1").review_queue()) == THRESHOLD
    assert _audit_kinds(server).count("threshold_crossed") == 1
    upload(alice, fake_voucher(1, KNOWN_HASH))  # one more match past threshold: queued too
    assert len(server.staff("reviewer1").review_queue()) == THRESHOLD + 1
    assert _audit_kinds(server).count("threshold_crossed") == 1


def test_nothing_is_stored_for_an_account_below_threshold(server: InProcessServer) -> None:
    from vouchsafe.server.pipeline.recovery_jobs import run_recovery_jobs

    alice = server.user()
    for _ in range(THRESHOLD - 1):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    upload(alice, fake_voucher(2))  # a synthetic voucher: THRESHOLD opened records, t-1 real
    run_recovery_jobs(server.ctx)
    with server.ctx.storage.read() as tx:
        job = tx.recovery.get(alice.account_id)  # the job ran and found nothing
        assert job is not None and (job.opened, job.recovered, job.due) == (THRESHOLD,) * 2 + (
            False,
        )
        assert tx.processed.item_ids(alice.account_id) == set()
        assert tx.review.for_account(alice.account_id) == []


def test_audit_entries_never_name_a_match_below_threshold(server: InProcessServer) -> None:
    alice = server.user()
    upload(alice, fake_voucher(1, KNOWN_HASH))
    upload(alice, fake_voucher(0))
    with server.ctx.storage.transaction() as tx:
        payloads = [json.loads(e.payload) for e in tx.audit.entries(limit=100)]
    received = [p for p in payloads if "voucher_id" in p]
    assert len(received) == 2
    assert all(set(p) == {"account_id", "voucher_id"} for p in received)


def test_audit_log_verifies_and_breaks_when_an_entry_is_edited(server: InProcessServer) -> None:
    alice = server.user()
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    assert verify_audit_log(server.ctx.storage).ok
    with server.ctx.storage.transaction() as tx:
        tx.tx.update("audit_log", (3,), {"payload": '{"account_id":"someone else"}'})
    result = verify_audit_log(server.ctx.storage)
    assert not result.ok and result.first_broken_seq == 3


def test_receipts_verify_under_the_provider_key_only(server: InProcessServer) -> None:
    alice = server.user()
    receipt = upload(alice, fake_voucher(0))
    provider_key = alice.provider().public_key
    receipt.verify(provider_key)
    with pytest.raises(ProviderSignatureError):
        dataclasses.replace(receipt, received_at_ms=receipt.received_at_ms + 1).verify(provider_key)
    with pytest.raises(ProviderSignatureError):
        receipt.verify(server.user().public_key)


def test_notification_is_held_back_for_the_configured_deferral(server: InProcessServer) -> None:
    server.ctx.settings = server.ctx.settings.with_overrides(notification_deferral_ms=3_600_000)
    alice, reviewer = server.user(), server.staff("reviewer1")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer.reveal(reviewer.review_queue()[0].review_id)
    reviewer.decide(reviewer.review_queue()[0].review_id, True)
    assert alice.notifications() == []  # not yet due
    with server.ctx.storage.transaction() as tx:
        due = tx.notifications.due(alice.account_id, server.ctx.clock() + 3_600_001)
    assert [n.kind for n in due] == ["account_suspended"]


def test_transparency_page_is_html_with_the_same_figures(server: InProcessServer) -> None:
    alice = server.user()
    upload(alice, fake_voucher(0))
    page = server.http.get("/v1/transparency.html")  # the old address leads to the page
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert str(page.url).endswith("/transparency")
    assert "safety vouchers received" in page.text
    bad = server.http.get("/v1/transparency?from_ms=10&to_ms=5")
    assert bad.status_code == 400


def test_scheduled_pass_sweeps_thresholds_and_checkpoints(server: InProcessServer) -> None:
    from vouchsafe.server.app import scheduled_pass

    alice = server.user()
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    # Undo what the on-arrival step did, as if it had failed: the sweep must redo it.
    with server.ctx.storage.transaction() as tx:
        for item in tx.review.for_account(alice.account_id):
            tx.tx.delete("review_items", [("review_id", "=", item.review_id)])
        tx.tx.delete("processed_items", [])
        tx.tx.update("recovery_jobs", (alice.account_id,), {"recovered": 0, "due": True})
    scheduled_pass(server.ctx)
    assert len(server.staff("reviewer1").review_queue()) == THRESHOLD
    with server.ctx.storage.transaction() as tx:
        head, checkpoint = tx.audit.last(), tx.audit.last_checkpoint()
    assert head is not None and checkpoint is not None and checkpoint.seq == head.seq


def test_report_digest_is_in_the_log_and_the_latest_checkpoint_is_published(
    server: InProcessServer,
) -> None:
    import hashlib

    from vouchsafe.sdk.api.provider_signatures import verify_provider_signature
    from vouchsafe.sdk.crypto import labels
    from vouchsafe.server.audit_log import checkpoint_bytes

    alice, reviewer, authority = server.user(), server.staff("reviewer1"), server.staff("authority")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer.reveal(reviewer.review_queue()[0].review_id)
    reviewer.decide(reviewer.review_queue()[0].review_id, True)
    (entry,) = authority.reports()
    digest = hashlib.sha256(entry.signed_report.report).hexdigest()
    with server.ctx.storage.read() as tx:
        delivered = [e for e in tx.audit.entries(limit=1000) if e.kind == "report_delivered"]
    assert json.loads(delivered[0].payload)["report_sha256"] == digest

    published = alice.transparency()["audit_checkpoint"]
    verify_provider_signature(
        alice.provider().public_key,
        labels.AUDIT_CHECKPOINT,
        checkpoint_bytes(
            published["seq"],
            bytes.fromhex(published["entry_hash"]),
            published["at_ms"],
            published["previous_seq"],
        ),
        bytes.fromhex(published["signature"]),
    )


def test_upheld_appeal_on_one_report_keeps_the_suspension_while_another_stands(
    server: InProcessServer,
) -> None:
    alice = server.user()
    reviewer1, reviewer2 = server.staff("reviewer1"), server.staff("reviewer2")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    first, second = reviewer1.review_queue()[:2]
    reviewer1.reveal(first.review_id)
    report_1 = reviewer1.decide(first.review_id, True).report_id
    reviewer1.reveal(second.review_id)
    reviewer1.decide(second.review_id, True)
    alice.file_appeal(report_1, "mistake")
    (appeal_item,) = [i for i in reviewer2.review_queue() if i.appeal_id]
    reviewer2.decide(appeal_item.review_id, False)
    assert alice.appeals()[0].status == api_pb2.APPEAL_STATUS_UPHELD
    assert alice.lookup(account_id=alice.account_id).status == api_pb2.ACCOUNT_STATUS_SUSPENDED


def test_confirmation_without_a_revealed_derivative_is_refused_and_changes_nothing(
    server: InProcessServer,
) -> None:
    alice = server.user("alice")
    reviewer1, reviewer2 = server.staff("reviewer1"), server.staff("reviewer2")
    for n in range(THRESHOLD):
        upload(alice, fake_voucher(1, _near(KNOWN_HASH, n * 5)))
    item = reviewer1.review_queue()[0]
    with pytest.raises(ServerRejected) as refused:
        reviewer1.decide(item.review_id, True)
    assert refused.value.server_code == "derivative_not_viewed"
    assert [i.review_id for i in reviewer1.review_queue()].count(item.review_id) == 1
    assert server.staff("authority").reports() == []
    # Another reviewer's reveal does not count for this one.
    reviewer2.reveal(item.review_id)
    with pytest.raises(ServerRejected):
        reviewer1.decide(item.review_id, True)
    revealed = reviewer1.reveal(item.review_id)
    assert revealed.visual_derivative.startswith(b"\x89PNG")
    assert reviewer1.decide(item.review_id, True).report_id
    # Not confirming needs no reveal (a reviewer may decline to look).
    other = reviewer1.review_queue()[0]
    assert not reviewer1.decide(other.review_id, False).report_id
