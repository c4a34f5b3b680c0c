"""``vouchsafe audit verify`` pins the provider key, reports the unsigned tail, and catches
deleted entries and checkpoints; the server signs its head on a timer and at shutdown."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.reference_server.conftest import InProcessServer
from vouchsafe.cli import main
from vouchsafe.sdk.api import ApiClient
from vouchsafe.server.app import checkpoint_pass, create_app
from vouchsafe.server.audit_log import AuditLog
from vouchsafe.server.keys import generate_provider_key
from vouchsafe.server.settings import Settings
from vouchsafe.server.storage import open_storage
from vouchsafe.server.storage.stores import AUDIT_HEAD_ID


def _activity(server: InProcessServer, users: int = 13) -> list[str]:
    """Some registrations (17 entries with the staff, checkpoints at 8, 16, 17); the options
    naming the database: its URL, and for PostgreSQL the provider key file the server was
    given (a SQLite database has its key beside it, which the command pins by default)."""
    for _ in range(users):
        server.user()
    checkpoint_pass(server.ctx)
    settings = server.ctx.settings
    key = settings.provider_key_path
    return ["--db", settings.db_url, *(["--provider-key", str(key)] if key else [])]


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["audit", "verify", *args])
    return code, capsys.readouterr().out


def test_the_provider_key_beside_the_database_is_pinned_by_default(
    server: InProcessServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _activity(server)
    code, out = _verify(capsys, *db)
    assert code == 0 and f"pinned to provider key {server.ctx.provider_key.key_id}" in out


def test_a_log_rewritten_and_re_signed_with_another_key_fails(
    server: InProcessServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _activity(server)
    forger = AuditLog(generate_provider_key(), checkpoint_every=8)
    with server.ctx.storage.transaction() as tx:
        original = tx.audit.entries()
        tx.tx.delete("checkpoints", [("seq", ">", 0)])
        tx.tx.delete("audit_log", [("seq", ">", 0)])
        tx.tx.update("audit_head", (AUDIT_HEAD_ID,), {"seq": 0, "entry_hash": bytes(32)})
        for entry in original[1:]:  # the first entry dropped, the rest chained afresh
            forger.append(tx, entry.kind, json.loads(entry.payload), entry.at_ms)
        forger.checkpoint(tx, server.ctx.clock())
    code, out = _verify(capsys, *db)
    assert code == 1 and "bad signature" in out
    public = server.ctx.provider_key.public_key.hex()
    assert _verify(capsys, *db[:2], "--provider-public-key", public)[0] == 1
    code, out = _verify(capsys, *db[:2], "--unpinned")  # consistency alone cannot tell
    assert code == 0 and "UNPINNED" in out


def test_without_a_key_to_pin_the_command_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'nokey.db'}"
    storage = open_storage(url)
    with storage.transaction() as tx:
        AuditLog(generate_provider_key(), checkpoint_every=2).append(tx, "e", {}, 1)
    storage.close()
    assert _verify(capsys, "--db", url)[0] == 2
    assert _verify(capsys, "--db", url, "--provider-public-key", "00" * 32)[0] == 2


def test_entries_after_the_last_checkpoint_are_reported_as_an_unsigned_tail(
    server: InProcessServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _activity(server, users=6)
    with server.ctx.storage.read() as tx:
        signed = tx.audit.last()
    server.user(), server.user()
    assert signed is not None
    code, out = _verify(capsys, *db)
    assert code == 0
    assert f"UNSIGNED TAIL: entries {signed.seq + 1}..{signed.seq + 2} (2)" in out
    assert _verify(capsys, *db, "--require-signed-head")[0] == 3
    checkpoint_pass(server.ctx)
    code, out = _verify(capsys, *db, "--require-signed-head")
    assert code == 0 and "UNSIGNED" not in out


def test_a_deleted_entry_is_detected(
    server: InProcessServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _activity(server)
    with server.ctx.storage.transaction() as tx:
        tx.tx.delete("audit_log", [("seq", "=", 5)])
    code, out = _verify(capsys, *db)
    assert code == 1 and "entry 5 is missing" in out


def test_a_deleted_checkpoint_is_detected(
    server: InProcessServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _activity(server)
    with server.ctx.storage.transaction() as tx:
        seqs = [cp.seq for cp in tx.audit.checkpoints()]
        assert len(seqs) >= 3
        tx.tx.delete("checkpoints", [("seq", "=", seqs[1])])
    code, out = _verify(capsys, *db)
    assert code == 1 and f"BROKEN at entry {seqs[2]}" in out and "deleted" in out


def test_deleting_the_last_checkpoint_leaves_a_reported_tail(
    server: InProcessServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _activity(server)
    with server.ctx.storage.transaction() as tx:
        last, before = tx.audit.checkpoints()[-1], tx.audit.checkpoints()[-2]
        tx.tx.delete("checkpoints", [("seq", "=", last.seq)])
    code, out = _verify(capsys, *db, "--require-signed-head")
    assert code == 3 and f"entries {before.seq + 1}..{last.seq}" in out


def test_a_truncated_log_is_caught_by_a_checkpoint_kept_from_transparency(
    server: InProcessServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _activity(server)
    published = tmp_path / "transparency.json"
    published.write_text(json.dumps(server.http.get("/v1/transparency").json()))
    with server.ctx.storage.transaction() as tx:
        last, before = tx.audit.checkpoints()[-1], tx.audit.checkpoints()[-2]
        tx.tx.delete("checkpoints", [("seq", "=", last.seq)])
        tx.tx.delete("audit_log", [("seq", ">", before.seq)])
    assert _verify(capsys, *db)[0] == 0  # nothing inside the database shows it
    code, out = _verify(capsys, *db, "--known-checkpoint", str(published))
    assert code == 1 and f"known checkpoint at {last.seq} is not in the log" in out


def test_the_server_signs_its_head_on_a_timer_with_the_scheduler_off(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'timer.db'}",
        schedule_interval_s=0,
        checkpoint_interval_s=0.05,
        checkpoint_every=0,
    )
    app = create_app(settings)
    ctx = app.state.ctx
    with TestClient(app) as http:
        client = ApiClient("http://testserver", Ed25519PrivateKey.generate())
        client.http = http
        client.register()
        deadline = time.monotonic() + 10
        signed = None
        while signed is None and time.monotonic() < deadline:
            with ctx.storage.read() as tx:
                signed = tx.audit.last_checkpoint()
            time.sleep(0.05)
        assert signed is not None and signed.seq == 1
