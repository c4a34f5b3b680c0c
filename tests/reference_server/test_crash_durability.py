"""SIGKILL during an upload burst: every voucher that got a receipt is still there afterwards.

The real ``vouchsafe server`` (real release, real tPSI outer step inside the intake
transaction) takes pre-built real safety vouchers from several clients at once and is killed
with SIGKILL after some receipts went out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import REPO_ROOT
from tests.reference_server.tpsi_world import (
    PDQ,
    Device,
    build_release_folder,
    fetch_blinded_hash_set,
    server_args,
    write_staff_file,
)
from vouchsafe.demo.server_process import free_loopback_port
from vouchsafe.imagegen import synthetic_images
from vouchsafe.sdk.errors import ServerUnreachable
from vouchsafe.server.audit_log import verify_audit_log
from vouchsafe.server.storage import open_storage

UPLOADERS = 3
VOUCHERS_EACH = 25
RECEIPTS_BEFORE_KILL = 30


def _start(db_path: Path, port: int, args: list[str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "vouchsafe", "server", "--db", f"sqlite:///{db_path}"]
    command += ["--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("server did not start: " + log.read_text())


def test_sigkill_mid_burst_loses_no_receipted_voucher(tmp_path: Path) -> None:
    images = synthetic_images(6, first_seed=300)
    release_dir = build_release_folder(tmp_path, [PDQ.hash_media(i).bits for i in images[:3]])
    _, staff_file = write_staff_file(tmp_path)
    args = server_args(release_dir, staff_file)
    db_path, port, log = tmp_path / "crash.db", free_loopback_port(), tmp_path / "server.log"
    process = _start(db_path, port, args, log)
    url = f"http://127.0.0.1:{port}"
    blinded = fetch_blinded_hash_set(url)
    devices = [Device.register(url, blinded) for _ in range(UPLOADERS)]
    # Vouchers are built before the burst (matches and non-matches, real crypto).
    prepared = [
        [device.voucher_for(images[n % len(images)]) for n in range(VOUCHERS_EACH)]
        for device in devices
    ]
    receipted: list[bytes] = []
    lock = threading.Lock()

    def burst(device: Device, vouchers: list[tuple[bytes, bytes]]) -> None:
        for voucher_id, voucher in vouchers:
            try:
                receipt = device.api.upload_voucher(voucher_id, voucher)
            except ServerUnreachable:  # the server was killed: the burst ends here
                return
            with lock:
                receipted.append(receipt.voucher_id)

    threads = [
        threading.Thread(target=burst, args=(d, v)) for d, v in zip(devices, prepared, strict=True)
    ]
    for thread in threads:
        thread.start()
    while len(receipted) < RECEIPTS_BEFORE_KILL and any(t.is_alive() for t in threads):
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=30)
    sent = sum(len(v) for v in prepared)
    assert RECEIPTS_BEFORE_KILL <= len(receipted) < sent, "the kill must land mid-burst"

    storage = open_storage(f"sqlite:///{db_path}")
    with storage.transaction() as tx:
        missing = [vid.hex() for vid in receipted if tx.vouchers.get(vid) is None]
        received_entries = sum(
            1 for e in tx.audit.entries(limit=100_000) if e.kind == "voucher_received"
        )
    assert missing == []
    assert received_entries >= len(receipted)
    assert verify_audit_log(storage).ok
    storage.close()

    # After a restart, re-sending a receipted voucher is answered as a duplicate.
    restarted = _start(db_path, port, args, log)
    try:
        device, voucher_id, voucher = next(
            (d, vid, v)
            for d, vouchers in zip(devices, prepared, strict=True)
            for vid, v in vouchers
            if vid in receipted
        )
        assert device.api.upload_voucher(voucher_id, voucher).duplicate
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(timeout=10)
        for device in devices:
            device.api.close()
