"""The audit log's chain and checkpoints, ``vouchsafe audit verify``, and the retention job."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.reference_server.conftest import THRESHOLD, InProcessServer
from tests.reference_server.fakes import fake_voucher, upload
from vouchsafe.cli import main
from vouchsafe.server.audit_log import AuditLog, verify_audit_log
from vouchsafe.server.context import ServerContext
from vouchsafe.server.keys import generate_provider_key
from vouchsafe.server.pipeline.retention import run_retention
from vouchsafe.server.settings import DAY_MS
from vouchsafe.server.storage import Storage, open_storage


def _log_some(storage: Storage, log: AuditLog, n: int) -> None:
    with storage.transaction() as tx:
        for i in range(n):
            log.append(tx, "test_event", {"i": i}, 1000 + i)


def test_checkpoints_are_signed_every_n_entries() -> None:
    storage = open_storage("memory:")
    log = AuditLog(generate_provider_key(), checkpoint_every=4)
    _log_some(storage, log, 10)
    with storage.transaction() as tx:
        assert [c.seq for c in tx.audit.checkpoints()] == [4, 8]
        assert log.checkpoint(tx, 2000) is not None
        assert [c.seq for c in tx.audit.checkpoints()] == [4, 8, 10]
    result = verify_audit_log(storage, log.key.public_key)
    assert result.ok and (result.entries, result.checkpoints) == (10, 3)


def test_rewriting_the_tail_consistently_is_caught_by_a_checkpoint() -> None:
    storage = open_storage("memory:")
    log = AuditLog(generate_provider_key(), checkpoint_every=4)
    _log_some(storage, log, 8)
    with storage.transaction() as tx:
        original = tx.audit.entries()
        tx.tx.delete("audit_log", [("seq", ">=", 3)])
        tx.tx.update("audit_head", (1,), {"seq": 2, "entry_hash": original[1].entry_hash})
    forger = AuditLog(generate_provider_key(), checkpoint_every=0)
    with storage.transaction() as tx:  # a consistent chain from entry 3 on, with other content
        for entry in original[2:]:
            forger.append(tx, "test_event", {"i": -1}, entry.at_ms)
    result = verify_audit_log(storage, log.key.public_key)
    assert not result.ok and result.first_broken_seq == 4
    assert "checkpoint" in result.reason


def test_checkpoint_by_another_key_fails_when_the_key_is_pinned() -> None:
    storage = open_storage("memory:")
    log = AuditLog(generate_provider_key(), checkpoint_every=2)
    _log_some(storage, log, 2)
    assert verify_audit_log(storage).ok
    assert not verify_audit_log(storage, generate_provider_key().public_key).ok


def test_audit_verify_command_passes_then_names_the_edited_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    storage = open_storage(url)
    key = generate_provider_key()
    _log_some(storage, AuditLog(key, checkpoint_every=3), 7)
    pin = ["--provider-public-key", key.public_key.hex()]
    assert main(["audit", "verify", "--db", url, *pin]) == 0
    assert "OK: 7 entries, 2 signed checkpoints" in capsys.readouterr().out
    with storage.transaction() as tx:
        tx.tx.update("audit_log", (5,), {"kind": "edited"})
    storage.close()
    assert main(["audit", "verify", "--db", url, *pin]) == 1
    assert "BROKEN at entry 5" in capsys.readouterr().out


def test_audit_verify_command_on_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["audit", "verify", "--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 2


def _later(ctx: ServerContext, ms: int) -> ServerContext:
    base = ctx.clock
    return dataclasses.replace(ctx, clock=lambda: base() + ms)


def test_retention_deletes_expired_records_and_logs_each_deletion(server: InProcessServer) -> None:
    alice = server.user()
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1))
    upload(alice, fake_voucher(0))
    assert run_retention(server.ctx) == {}
    after_a_month = run_retention(_later(server.ctx, 31 * DAY_MS))
    assert after_a_month.get("vouchers") == 1  # the non-match receipt (30-day TTL)
    after_a_year = run_retention(_later(server.ctx, 366 * DAY_MS))
    assert after_a_year.get("vouchers") == THRESHOLD
    assert after_a_year.get("accounts") == 1
    with server.ctx.storage.transaction() as tx:
        assert tx.vouchers.count_for(alice.account_id) == 0
        logged = [e for e in tx.audit.entries(limit=1000) if e.kind == "retention_deleted"]
    assert any('"table":"vouchers"' in e.payload for e in logged)
    assert verify_audit_log(server.ctx.storage).ok
