"""Recovery as a durable job: enqueued with the voucher, run after the response, repaired after a
crash between the voucher commit and the threshold step (by the retry or by any worker's poll).

The crash is simulated by making the post-response step do nothing, which is what a process
killed right after the commit leaves behind: the voucher and its due job, no recovery.
"""

from __future__ import annotations

import pytest

from tests.reference_server.conftest import KNOWN_HASH, THRESHOLD, InProcessServer
from tests.reference_server.fakes import fake_voucher, fake_voucher_id, upload
from vouchsafe.server.pipeline.matching import RecoveryProgress
from vouchsafe.server.pipeline.recovery_jobs import run_recovery_jobs
from vouchsafe.server.pipeline.threshold import run_threshold
from vouchsafe.server.routers import vouchers
from vouchsafe.server.storage.records import VoucherRecord
from vouchsafe.server.storage.stores import VoucherStore


def _crash_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vouchers, "run_recovery_jobs", lambda ctx, account_id=None: 0)


def test_a_retry_after_a_crash_runs_the_threshold_step_that_never_ran(
    server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = server.user()
    sent = [fake_voucher(1, KNOWN_HASH) for _ in range(THRESHOLD)]
    with monkeypatch.context() as crashing:
        _crash_after_commit(crashing)
        for voucher in sent:
            upload(alice, voucher)
    reviewer = server.staff("reviewer1")
    assert reviewer.review_queue() == []  # the step never ran
    with server.ctx.storage.read() as tx:
        job = tx.recovery.get(alice.account_id)
        assert job is not None and job.due  # ... but the job committed with the voucher
    assert upload(alice, sent[-1]).duplicate  # the device retries the unanswered upload
    assert len(reviewer.review_queue()) == THRESHOLD


def test_a_worker_poll_repairs_a_crash_without_any_retry(
    server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = server.user()
    _crash_after_commit(monkeypatch)
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    assert server.staff("reviewer1").review_queue() == []
    assert run_recovery_jobs(server.ctx) == THRESHOLD  # what every worker's poll runs
    assert len(server.staff("reviewer1").review_queue()) == THRESHOLD
    assert run_recovery_jobs(server.ctx) == 0  # done: nothing is due any more


def test_uploads_make_the_same_writes_whether_or_not_they_matched(
    server: InProcessServer,
) -> None:
    """A match and a non-match touch the same tables (the job row is written for both), so
    neither the writes nor the work before the response tell them apart."""
    alice, bob = server.user(), server.user()
    upload(alice, fake_voucher(0))  # no match
    upload(bob, fake_voucher(2))  # a (synthetic) match
    with server.ctx.storage.read() as tx:
        quiet, matched = tx.recovery.get(alice.account_id), tx.recovery.get(bob.account_id)
    assert quiet is not None and matched is not None
    assert (quiet.opened, matched.opened) == (0, 1)
    assert not quiet.due and not matched.due  # below threshold: no recovery runs at all


class _RolledBack(Exception):
    """Raised inside a transaction to roll it back (what a failed commit leaves behind)."""


def _audit_kinds(server: InProcessServer) -> list[str]:
    with server.ctx.storage.read() as tx:
        return [e.kind for e in tx.audit.entries()]


def test_a_rolled_back_recovery_run_leaves_no_recovery_state_ahead_of_the_database(
    server: InProcessServer,
) -> None:
    """The per-process incremental state is kept only once the run commits: a record fed in a
    transaction that rolled back (here one that never reaches the database) must not count in
    any later recovery."""
    alice = server.user()
    sent = [fake_voucher(1, KNOWN_HASH) for _ in range(THRESHOLD)]
    for voucher in sent[:-1]:
        upload(alice, voucher)  # below the threshold: nothing recovered
    phantom = fake_voucher(1, KNOWN_HASH)
    matcher = server.ctx.matcher
    assert matcher is not None
    with pytest.raises(_RolledBack), server.ctx.storage.transaction() as tx:
        tx.vouchers.add_new(
            VoucherRecord(
                fake_voucher_id(phantom),
                alice.account_id,
                server.ctx.clock(),
                bytes(32),
                matcher.outer_step(phantom, alice.account_id),
                server.ctx.clock() + 60_000,
            )
        )
        assert run_threshold(server.ctx, tx, alice.account_id) == THRESHOLD
        raise _RolledBack
    reviewer = server.staff("reviewer1")
    assert reviewer.review_queue() == []
    upload(alice, sent[-1])  # the account's real threshold-th match: recovery runs
    queued = {item.item_id for item in reviewer.review_queue()}
    assert queued == {voucher[5:21].hex() for voucher in sent}  # never the phantom's item


def test_a_rolled_back_abuse_mark_is_logged_by_the_next_run(
    server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The abuse mark lives on the job row, so it commits with its audit entry or not at all
    (a mark kept in memory from a rolled-back run would never be logged), and once committed the
    account is never recomputed, by any worker."""
    matcher = server.ctx.matcher
    assert matcher is not None
    monkeypatch.setattr(
        matcher, "recover_new", lambda state, opened: RecoveryProgress((), abuse_suspected=True)
    )
    alice = server.user()
    _crash_after_commit(monkeypatch)
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(2))
    with pytest.raises(_RolledBack), server.ctx.storage.transaction() as tx:
        run_threshold(server.ctx, tx, alice.account_id)
        raise _RolledBack
    assert "recovery_abuse_suspected" not in _audit_kinds(server)
    assert run_recovery_jobs(server.ctx) == 0
    assert _audit_kinds(server).count("recovery_abuse_suspected") == 1
    server.ctx.recoveries.clear()  # another worker, or a restart
    upload(alice, fake_voucher(2))
    with server.ctx.storage.read() as tx:
        job = tx.recovery.get(alice.account_id)
    assert job is not None and job.abuse_suspected and not job.due
    assert run_recovery_jobs(server.ctx) == 0
    assert _audit_kinds(server).count("recovery_abuse_suspected") == 1


def test_a_later_run_reads_only_recent_records_yet_misses_none(
    server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once an account's state is cached, a run reads only the records of the last minutes
    (never the account's history); a record stored with an older time (another machine's
    clock, a long transaction) is still found: the job's count shows it is missing."""
    alice = server.user()
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer = server.staff("reviewer1")
    assert len(reviewer.review_queue()) == THRESHOLD
    reads: list[int | None] = []
    real_opened_for = VoucherStore.opened_for

    def spy(self: VoucherStore, account_id: str, since_ms: int | None = None) -> object:
        reads.append(since_ms)
        return real_opened_for(self, account_id, since_ms)

    monkeypatch.setattr(VoucherStore, "opened_for", spy)
    upload(alice, fake_voucher(1, KNOWN_HASH))
    assert len(reviewer.review_queue()) == THRESHOLD + 1
    assert reads and None not in reads  # no full read of the account's records
    late = fake_voucher(1, KNOWN_HASH)
    now = server.ctx.clock()
    matcher = server.ctx.matcher
    assert matcher is not None
    with server.ctx.storage.transaction() as tx:  # what intake writes, a day in the past
        tx.vouchers.add_new(
            VoucherRecord(
                fake_voucher_id(late),
                alice.account_id,
                now - 86_400_000,
                bytes(32),
                matcher.outer_step(late, alice.account_id),
                now + 60_000,
            )
        )
        tx.recovery.record_upload(alice.account_id, True, THRESHOLD, now, now + 60_000)
    reads.clear()
    assert run_recovery_jobs(server.ctx) == 1
    assert None in reads  # the count did not add up: one full read
    queued = {item.item_id for item in reviewer.review_queue()}
    assert late[5:21].hex() in queued and len(queued) == THRESHOLD + 2
