"""SIGKILL during an upload burst: every voucher that got a receipt is still there afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from protocol.api_client import ApiClient
from reference_server.audit_log import verify_audit_log
from reference_server.storage import open_storage
from tests.conftest import REPO_ROOT
from tests.reference_server.fakes import fake_voucher, fake_voucher_id, upload
from vouchsafe.demo.server_process import free_loopback_port

UPLOADERS = 4
RECEIPTS_BEFORE_KILL = 40


def _start(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.reference_server.serve_fake", db_url, str(port)],
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("server did not start: " + log.read_text())


def test_sigkill_mid_burst_loses_no_receipted_voucher(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    port = free_loopback_port()
    process = _start(db_url, port, tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    receipted: list[bytes] = []
    lock = threading.Lock()
    clients = [ApiClient(base, Ed25519PrivateKey.generate(), timeout=5) for _ in range(UPLOADERS)]
    for client in clients:
        client.register()

    def burst(client: ApiClient) -> None:
        while True:
            voucher = fake_voucher(1 if len(receipted) % 3 else 0)
            try:
                receipt = upload(client, voucher)
            except (httpx.TransportError, httpx.HTTPError):
                return
            with lock:
                receipted.append(receipt.voucher_id)

    threads = [threading.Thread(target=burst, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    while len(receipted) < RECEIPTS_BEFORE_KILL and process.poll() is None:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=30)
    for client in clients:
        client.close()

    assert len(receipted) >= RECEIPTS_BEFORE_KILL
    storage = open_storage(db_url)
    with storage.transaction() as tx:
        missing = [vid.hex() for vid in receipted if tx.vouchers.get(vid) is None]
        logged = {
            e.payload for e in tx.audit.entries(limit=100_000) if e.kind == "voucher_received"
        }
    assert missing == []
    assert len(logged) >= len(receipted)
    assert verify_audit_log(storage).ok
    storage.close()

    restarted = _start(db_url, port, tmp_path / "server.log")
    try:
        client = ApiClient(base, clients[0].signing_key)
        voucher = fake_voucher(1)
        first = upload(client, voucher)
        assert client.upload_voucher(fake_voucher_id(voucher), voucher).duplicate
        assert not first.duplicate
        client.close()
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(timeout=10)
