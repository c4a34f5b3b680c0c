"""One contract for every database the server runs on (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vouchsafe.server.storage import DuplicateKey, Storage, StorageError, open_storage
from vouchsafe.server.storage import records as r
from vouchsafe.server.storage.stores import EXPIRY_REFRESH_MS


@pytest.fixture
def storage(db_url: str) -> Iterator[Storage]:
    store = open_storage(db_url)
    yield store
    store.close()


def _account(account_id: str = "a" * 32, handle: str = "alice") -> r.Account:
    return r.Account(account_id, b"k" * 32, b"", handle, "user", "active", 1, 10)


def _voucher(vid: bytes, account: str, at: int, opened: bytes | None) -> r.VoucherRecord:
    return r.VoucherRecord(vid, account, at, b"d" * 32, opened, at + 100)


def test_committed_records_are_read_back_equal(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.accounts.add(_account())
    with storage.transaction() as tx:
        assert tx.accounts.get("a" * 32) == _account()
        assert tx.accounts.by_handle("alice") == _account()
        assert tx.accounts.get("missing") is None


def test_a_failed_transaction_leaves_nothing_behind(storage: Storage) -> None:
    with pytest.raises(RuntimeError), storage.transaction() as tx:
        tx.accounts.add(_account())
        tx.vouchers.add_new(_voucher(b"v" * 16, "a" * 32, 5, None))
        raise RuntimeError("abort")
    with storage.transaction() as tx:
        assert tx.accounts.get("a" * 32) is None
        assert tx.vouchers.get(b"v" * 16) is None


def test_a_voucher_is_added_once_and_the_first_record_stays(storage: Storage) -> None:
    with storage.transaction() as tx:
        assert tx.vouchers.add_new(_voucher(b"v" * 16, "acc", 5, None))
        assert not tx.vouchers.add_new(_voucher(b"v" * 16, "other", 6, b"opened"))
        stored = tx.vouchers.get(b"v" * 16)
        assert stored is not None and (stored.account_id, stored.opened) == ("acc", None)


def test_duplicate_key_and_taken_handle_are_refused(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.accounts.add(_account())
    with pytest.raises(DuplicateKey), storage.transaction() as tx:
        tx.accounts.add(_account())
    with pytest.raises(DuplicateKey), storage.transaction() as tx:
        tx.accounts.add(_account("b" * 32, "alice"))
    with storage.transaction() as tx:  # empty handles never collide
        tx.accounts.add(_account("c" * 32, ""))
        tx.accounts.add(_account("d" * 32, ""))


def test_updates_change_only_the_named_record(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.accounts.add(_account())
        tx.accounts.add(_account("b" * 32, "bob"))
        assert tx.accounts.set_status("a" * 32, "suspended")
        assert not tx.accounts.set_status("z" * 32, "suspended")
    with storage.transaction() as tx:
        account_a, account_b = tx.accounts.get("a" * 32), tx.accounts.get("b" * 32)
        assert account_a is not None and account_a.status == "suspended"
        assert account_b is not None and account_b.status == "active"


def test_opened_vouchers_are_listed_per_account_oldest_first(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.vouchers.add_new(_voucher(b"2" * 16, "acc", 20, b"opened-2"))
        tx.vouchers.add_new(_voucher(b"1" * 16, "acc", 10, b"opened-1"))
        tx.vouchers.add_new(_voucher(b"3" * 16, "acc", 30, None))
        tx.vouchers.add_new(_voucher(b"4" * 16, "other", 40, None))
    with storage.transaction() as tx:
        assert [v.opened for v in tx.vouchers.opened_for("acc")] == [b"opened-1", b"opened-2"]
        assert tx.vouchers.count_for("acc") == 3


def test_nonce_is_remembered_once(storage: Storage) -> None:
    with storage.transaction() as tx:
        assert tx.nonces.remember(r.SeenNonce("k", b"n" * 16, 1, 2))
        assert not tx.nonces.remember(r.SeenNonce("k", b"n" * 16, 1, 2))
        assert tx.nonces.remember(r.SeenNonce("other", b"n" * 16, 1, 2))


def test_review_queue_hides_an_appeal_from_the_original_reviewer(storage: Storage) -> None:
    def item(rid: str, excluded: str, at: int) -> r.ReviewItemRecord:
        return r.ReviewItemRecord(
            rid, "match", "acc", "i", b"", "e", 3, 1, at, "pending", "", excluded, 99
        )

    with storage.transaction() as tx:
        tx.review.add(item("r2", "", 2))
        tx.review.add(item("r1", "", 1))
        tx.review.add(item("r3", "alice", 3))
        tx.review.mark_decided("r1")
    with storage.transaction() as tx:
        assert [i.review_id for i in tx.review.pending("alice", 10)] == ["r2"]
        assert [i.review_id for i in tx.review.pending("bob", 10)] == ["r2", "r3"]
        assert [i.review_id for i in tx.review.pending("bob", 1)] == ["r2"]


def test_messages_are_fetched_in_sequence_after_a_cursor(storage: Storage) -> None:
    with storage.transaction() as tx:
        for n in range(3):
            seq = tx.messages.next_sequence("rcpt")
            tx.messages.add(r.StoredMessage(bytes([n]) * 16, "s", "rcpt", seq, n, b"c", 9))
        assert tx.messages.next_sequence("other") == 1  # numbered per mailbox
        tx.messages.add(r.StoredMessage(b"x" * 16, "s", "other", 1, 4, b"c", 9))
    with storage.transaction() as tx:
        assert [m.sequence for m in tx.messages.fetch("rcpt", 1, 10)] == [2, 3]
        assert tx.messages.delete("other", bytes([0]) * 16) == 0
        assert tx.messages.delete("rcpt", bytes([0]) * 16) == 1
        assert [m.sequence for m in tx.messages.fetch("rcpt", 0, 10)] == [2, 3]


def test_expired_records_are_deleted_and_counted(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.vouchers.add_new(_voucher(b"1" * 16, "acc", 0, None))  # expires at 100
        tx.vouchers.add_new(_voucher(b"2" * 16, "acc", 500, None))  # expires at 600
    with storage.transaction() as tx:
        assert tx.delete_expired("vouchers", 100) == 1
    with storage.transaction() as tx:
        assert tx.vouchers.get(b"1" * 16) is None
        assert tx.vouchers.get(b"2" * 16) is not None


def test_audit_entries_and_checkpoints_keep_order(storage: Storage) -> None:
    with storage.transaction() as tx:
        assert tx.audit.last() is None
        assert tx.audit.head() == r.AuditHead(1, 0, bytes(32))
        for seq in (1, 2, 3):
            entry = r.AuditEntry(seq, seq * 10, "k", "{}", b"p", bytes([seq]))
            tx.audit.append(entry, ("k",), "1970-01-01")
        tx.audit.add_checkpoint(r.Checkpoint(2, b"\x02", 20, "key", b"pk", b"sig"))
    with storage.transaction() as tx:
        last = tx.audit.last()
        assert last is not None and last.seq == 3
        assert tx.audit.head() == r.AuditHead(1, 3, bytes([3]))
        assert [e.seq for e in tx.audit.entries(after_seq=1)] == [2, 3]
        assert [e.seq for e in tx.audit.between(10, 30)] == [1, 2]
        assert [e.seq for e in tx.audit.of_kind_between("k", 20, 31)] == [2, 3]
        assert tx.audit.counts_between("1970-01-01", "1970-01-02") == [
            r.AuditCount("1970-01-01", "k", 3)
        ]
        assert tx.audit.totals_between("1970-01-01", "1970-01-02") == {"k": 3}
        assert tx.audit.totals_between("1970-01-02", "1970-01-03") == {}
        checkpoint = tx.audit.last_checkpoint()
        assert checkpoint is not None and checkpoint.seq == 2


def test_recovery_job_becomes_due_at_threshold_and_is_claimed_once(storage: Storage) -> None:
    with storage.transaction() as tx:
        assert not tx.recovery.record_upload("acc", True, 2, 10, 99)
        assert not tx.recovery.record_upload("acc", False, 2, 11, 99)
    with storage.transaction() as tx:
        job = tx.recovery.get("acc")
        assert job is not None and (job.opened, job.due) == (1, False)
        assert tx.recovery.claim(20, 1000, 10) == []
        assert tx.recovery.record_upload("acc", True, 2, 12, 99)  # due from this upload on
    with storage.transaction() as tx:
        [claimed] = tx.recovery.claim(20, 1000, 10)
        assert (claimed.account_id, claimed.opened) == ("acc", 2)
    with storage.transaction() as tx:  # leased: no second worker gets it
        assert tx.recovery.claim(21, 1000, 10) == []
        tx.recovery.record_upload("acc", True, 2, 22, 99)  # a match arrives during recovery
        tx.recovery.finish("acc", claimed.opened, 30)
    with storage.transaction() as tx:
        job = tx.recovery.get("acc")
        assert job is not None and (job.opened, job.recovered, job.due) == (3, 2, True)
        [again] = tx.recovery.claim(31, 1000, 10)
        tx.recovery.finish("acc", again.opened, 32)
    with storage.transaction() as tx:
        job = tx.recovery.get("acc")
        assert job is not None and (job.recovered, job.due, job.lease_until_ms) == (3, False, 0)
        assert tx.recovery.claim(40, 1000, 10) == []


def test_an_upload_changes_a_job_s_indexed_columns_only_when_it_must(storage: Storage) -> None:
    """``updated_at_ms`` (claim order) moves when the job becomes due, ``expires_at_ms`` at most
    once a day: the per-upload update then leaves the row's indexes alone (a HOT update on
    PostgreSQL), so they do not grow with the account's uploads."""
    day = EXPIRY_REFRESH_MS
    with storage.transaction() as tx:
        tx.recovery.record_upload("acc", False, 2, 10, 10 + 365 * day)
        tx.recovery.record_upload("acc", True, 2, 20, 20 + 365 * day)
    with storage.read() as tx:
        job = tx.recovery.get("acc")
        assert job is not None and (job.updated_at_ms, job.expires_at_ms) == (10, 10 + 365 * day)
    with storage.transaction() as tx:
        tx.recovery.record_upload("acc", True, 2, 30, 30 + 365 * day)  # becomes due
        tx.recovery.record_upload("acc", True, 2, 40, 40 + 365 * day)  # already due
    with storage.read() as tx:
        job = tx.recovery.get("acc")
        assert job is not None and job.due and job.updated_at_ms == 30
        assert job.expires_at_ms == 10 + 365 * day
    with storage.transaction() as tx:
        tx.recovery.record_upload("acc", False, 2, 2 * day, 2 * day + 365 * day)
    with storage.read() as tx:
        job = tx.recovery.get("acc")
        assert job is not None and job.expires_at_ms == 2 * day + 365 * day


def test_an_expired_lease_lets_another_worker_claim_the_job(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.recovery.record_upload("acc", True, 1, 10, 99)
    with storage.transaction() as tx:
        assert len(tx.recovery.claim(20, 100, 10)) == 1  # this worker then dies
    with storage.transaction() as tx:
        assert tx.recovery.claim(119, 100, 10) == []
        assert [j.account_id for j in tx.recovery.claim(121, 100, 10, "acc")] == ["acc"]


def test_is_null_conditions_select_exactly_the_null_rows(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.vouchers.add_new(_voucher(b"1" * 16, "acc", 0, None))
        tx.vouchers.add_new(_voucher(b"2" * 16, "acc", 1, b""))  # empty is not NULL
    with storage.read() as tx:
        nulls = tx.tx.select("vouchers", [("opened", "is null", None)])
        assert [v.voucher_id for v in nulls] == [b"1" * 16]
        assert [v.voucher_id for v in tx.vouchers.opened_for("acc")] == [b"2" * 16]


def test_tallies_accumulate_per_day_and_code(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.tallies.bump("2026-01-01", "ok")
        tx.tallies.bump("2026-01-01", "ok")
        tx.tallies.bump("2026-01-02", "malformed_request")
    with storage.transaction() as tx:
        got = {(t.day, t.code): t.count for t in tx.tallies.between("2026-01-01", "2026-01-03")}
        assert got == {("2026-01-01", "ok"): 2, ("2026-01-02", "malformed_request"): 1}
        tx.tallies.bump("2026-01-02", "ok", 5)
        assert tx.tallies.totals_between("2026-01-01", "2026-01-03") == {
            "ok": 7,
            "malformed_request": 1,
        }
        assert tx.tallies.totals_between("2026-01-02", "2026-01-03") == {
            "ok": 5,
            "malformed_request": 1,
        }


def test_booleans_and_null_bytes_round_trip(storage: Storage) -> None:
    decision = r.Decision("d", "rv", "rev", "confirmed", True, "n", False, 5, 9)
    with storage.transaction() as tx:
        tx.decisions.add(decision)
        tx.vouchers.add_new(_voucher(b"1" * 16, "acc", 0, None))
    with storage.transaction() as tx:
        assert tx.decisions.get("d") == decision
        got = tx.vouchers.get(b"1" * 16)
        assert got is not None and got.opened is None


def test_unknown_database_url_is_refused() -> None:
    with pytest.raises(StorageError):
        open_storage("mysql://nope")


def test_a_read_snapshot_sees_committed_records(storage: Storage) -> None:
    with storage.transaction() as tx:
        tx.accounts.add(_account())
    with storage.read() as tx:
        assert tx.accounts.get("a" * 32) == _account()
