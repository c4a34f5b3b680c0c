"""Two worker processes (``vouchsafe server --workers 2``) on one PostgreSQL database.

Devices upload real safety vouchers from several threads at once, so both workers append to the
one audit chain and run recovery jobs concurrently. Afterwards the chain verifies, every entry
and tally is there once, and every account's recovery state and review items are exactly what
its uploads imply: nothing lost, nothing done twice. Each worker also holds its connections to
the hardened limits (``serving.GuardedH11Protocol``): sockets from another loopback address that
never send a request are refused past the per-address cap (503) or closed at the header
deadline (408), whichever worker accepted them; plain uvicorn workers answer neither.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from tests.postgres import PostgresServer
from tests.reference_server.tpsi_world import (
    PDQ,
    THRESHOLD,
    Device,
    build_release_folder,
    fetch_blinded_hash_set,
    review_queue_of,
    server_args,
    write_staff_file,
)
from vouchsafe.demo.server_process import ServerProcess
from vouchsafe.imagegen import synthetic_images
from vouchsafe.sdk.api import ApiClient
from vouchsafe.server.audit_log import verify_audit_log
from vouchsafe.server.storage import open_storage

KNOWN_IMAGES = synthetic_images(THRESHOLD, first_seed=1300)
OTHER_IMAGES = synthetic_images(6, first_seed=1400)
PER_CLIENT_CAP = 3
HEADER_TIMEOUT_S = 5
IDLE_SOCKETS = 12
# Only a liveness bound: a socket that got no answer in this long never gets one.
ANSWER_WITHIN_S = 90


def _statuses_of_idle_sockets(port: int) -> list[int]:
    """Opens ``IDLE_SOCKETS`` connections from 127.0.0.2 that never send a request and returns
    the HTTP status each is answered with before the server closes it."""
    sockets = [
        socket.create_connection(
            ("127.0.0.1", port), timeout=ANSWER_WITHIN_S, source_address=("127.0.0.2", 0)
        )
        for _ in range(IDLE_SOCKETS)
    ]
    statuses = []
    for sock in sockets:
        with sock:
            answer = b""
            while chunk := sock.recv(4096):  # socket.timeout: never answered
                answer += chunk
            statuses.append(int(answer.split(b" ", 2)[1]))
    return statuses


def _worker_pids(supervisor: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == supervisor:
            children.append(int(stat.parent.name))
    return children


def test_two_workers_share_one_chain_and_one_recovery_per_account(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    release_dir = build_release_folder(tmp_path, [PDQ.hash_media(i).bits for i in KNOWN_IMAGES])
    staff, staff_file = write_staff_file(tmp_path)
    url = postgres_server.fresh_database()
    args = server_args(release_dir, staff_file)
    args += ["--workers", "2", "--provider-key", str(tmp_path / "provider.key")]
    args += ["--max-connections-per-client", str(PER_CLIENT_CAP)]
    args += ["--header-timeout", str(HEADER_TIMEOUT_S)]
    with ServerProcess(url, tmp_path / "server.log", args) as server:
        process = server._process
        assert process is not None
        assert len(_worker_pids(process.pid)) >= 2, "two worker processes serve"
        blinded = fetch_blinded_hash_set(server.url)
        # Two accounts past the threshold, two below it; no synthetic vouchers, so every
        # known photo is a real match and every other photo opens nothing.
        plans = [KNOWN_IMAGES + OTHER_IMAGES[:3]] * 2 + [KNOWN_IMAGES[:-1] + OTHER_IMAGES[3:]] * 2
        devices = [Device.register(server.url, blinded, synthetic_rate=0.0) for _ in plans]
        prepared = [
            [d.voucher_for(i) for i in plan] for d, plan in zip(devices, plans, strict=True)
        ]
        errors: list[BaseException] = []

        def send(device: Device, vouchers: list[tuple[bytes, bytes]]) -> None:
            try:
                for voucher_id, voucher in vouchers:
                    device.api.upload_voucher(voucher_id, voucher)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=send, args=pair)
            for pair in zip(devices, prepared, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        reviewer = ApiClient(server.url, staff["reviewer1"])
        queue = review_queue_of(reviewer, 2 * THRESHOLD)
        reviewer.close()
        for device in devices:
            device.api.close()
        statuses = _statuses_of_idle_sockets(server.port)

    # Every idle socket answered: 503 past the per-address cap (per worker), else 408.
    assert set(statuses) <= {408, 503}, statuses
    assert statuses.count(503) >= IDLE_SOCKETS - 2 * PER_CLIENT_CAP, statuses

    heavy = {d.api.account_id for d in devices[:2]}
    assert len(queue) == 2 * THRESHOLD
    assert {item.account_id for item in queue} == heavy
    storage = open_storage(url)
    try:
        verification = verify_audit_log(storage)
        assert verification.ok, verification.reason
        with storage.read() as tx:
            entries = tx.audit.entries(limit=100_000)
            kinds = [e.kind for e in entries]
            assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
            uploads = sum(len(p) for p in plans)
            assert kinds.count("voucher_received") == uploads
            assert kinds.count("threshold_crossed") == 2
            assert kinds.count("review_queued") == 2 * THRESHOLD
            day_counts = {
                c.counted: c.count for c in tx.audit.counts_between("1970-01-01", "9999-12-31")
            }
            assert day_counts["voucher_received"] == uploads
            for device, plan in zip(devices, plans, strict=True):
                account = device.api.account_id
                opened = len(tx.vouchers.opened_for(account))
                job = tx.recovery.get(account)
                assert job is not None and job.opened == opened
                assert not job.due and job.lease_until_ms == 0
                items = tx.review.for_account(account)
                matches = sum(1 for image in plan if image in KNOWN_IMAGES)
                assert opened == matches
                expected = THRESHOLD if account in heavy else 0
                assert len(items) == len({i.item_id for i in items}) == expected
    finally:
        storage.close()
