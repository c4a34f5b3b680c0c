"""Section 6 of the report: the reference server over HTTP on loopback, under 1, 2 and 4 client
processes for DURATION seconds each (bounded; loopback only, see vouchsafe.benchload).

For each client count, two fresh servers (SQLite in a temporary folder, the same release) are
loaded one after the other: first with message relay (POST /v1/messages/send of ciphertexts as
long as a safety voucher: what the server does without scanning), then with voucher uploads
(POST /v1/vouchers: signature check, the tPSI outer step, durable storage, signed receipt).
The ratio uploads/s / messages/s is the cost of detection as a fraction of messaging cost.
Clients and server share this machine's cores; requests are prepared (and signed) before the
timed window. Metrics carry the spread over one-second windows and p50/p99 latency.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.rows import THROUGHPUT, describe, metric, require
from vouchsafe.benchload import LoadResult, run_load

DURATION = 20.0
CLIENTS = (1, 2, 4)
THRESHOLD = 30
# Prepared requests per client: above what one client can complete in DURATION on this class
# of machine (a client that runs out stops early and the row says "lower bound").
UPLOADS_PER_CLIENT = {1: 1200, 2: 700, 4: 400}
MESSAGES_PER_CLIENT = {1: 3000, 2: 1800, 4: 1000}
UNLIMITED = {"VOUCHSAFE_RATE_LIMIT_PER_MINUTE": "1000000000"}


_RELEASES: dict[int | None, Path] = {}


def _release_dir(
    tmp_path_factory: pytest.TempPathFactory, max_candidates: int | None = None
) -> Path:
    """One release per budget for every run (built once; default: the default scheme's);
    skips the row if the server has not landed."""
    world = require("tests.reference_server.tpsi_world", what="not landed")
    require("vouchsafe.sdk.api", what="not landed")
    if max_candidates not in _RELEASES:
        import secrets

        root = tmp_path_factory.mktemp("throughput")
        # Random 256-bit values stand in for listed PDQ hashes: nothing derives from any list.
        _RELEASES[max_candidates] = world.build_release_folder(
            root, [secrets.token_bytes(32) for _ in range(64)], max_candidates=max_candidates
        )
    return _RELEASES[max_candidates]


def _server(
    root: Path,
    release: Path,
    name: str,
    *,
    db_url: str | None = None,
    workers: int = 1,
    env: dict[str, str] | None = None,
) -> Any:
    """A server process on ``db_url`` (default: SQLite in ``root``) with ``workers`` workers,
    no per-account rate limit and ``env``'s further ``VOUCHSAFE_*`` settings."""
    from tests.reference_server.tpsi_world import server_args, write_staff_file
    from vouchsafe.demo.server_process import ServerProcess

    _, staff = write_staff_file(root)
    args = server_args(release, staff)
    args[args.index("--match-threshold") + 1] = str(THRESHOLD)
    args += ["--workers", str(workers), "--provider-key", str(root / f"{name}.key")]
    db = db_url if db_url is not None else root / f"{name}.db"
    return ServerProcess(db, root / f"{name}.log", args, env={**UNLIMITED, **(env or {})})


def _record(benchmark: Any, what: str, result: LoadResult) -> None:
    metric(benchmark, f"{what}/s", result.throughput, "1/s",
           q1=result.window_quantile(0.25), q3=result.window_quantile(0.75))
    metric(benchmark, f"{what} p50 latency", result.latency_quantile(0.5) * 1e3, "ms")
    metric(benchmark, f"{what} p99 latency", result.latency_quantile(0.99) * 1e3, "ms")
    if result.errors:
        metric(benchmark, f"{what} refused or failed", result.errors, "requests")
    if result.exhausted:
        metric(benchmark, f"{what}: clients ran out of prepared requests (lower bound)", 1, "")


@pytest.mark.parametrize("clients", CLIENTS)
def test_bench_http_throughput(
    benchmark: Any, clients: int, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    describe(benchmark, key=f"http_{clients}", section=THROUGHPUT,
             label=f"{clients} client process(es), {DURATION:.0f} s each", unit="run",
             compare=[{"name": "same server relaying messages (no scanning)",
                       "metric": "uploads/s", "to": f"http_{clients}", "to_metric": "messages/s"}])
    benchmark.extra_info["timing"] = False
    release_dir = _release_dir(tmp_path_factory)
    from tests.reference_server.tpsi_world import fetch_blinded_hash_set
    from vouchsafe.sdk.tpsi import wire

    with _server(tmp_path, release_dir, "relay") as server:
        blinded = fetch_blinded_hash_set(server.url)
        size = _voucher_size(blinded, wire)
        relay = run_load(server.url, "tests.benchmarks.throughput_clients:prepare_messages",
                         clients=clients, duration=DURATION,
                         requests_per_client=MESSAGES_PER_CLIENT[clients],
                         factory_kwargs={"url": server.url, "size": size}, prepare_seconds=60.0)
    with _server(tmp_path, release_dir, "scan") as server:
        scan = benchmark.pedantic(
            run_load, args=(server.url, "tests.benchmarks.throughput_clients:prepare_uploads"),
            kwargs={"clients": clients, "duration": DURATION,
                    "requests_per_client": UPLOADS_PER_CLIENT[clients],
                    "factory_kwargs": {"url": server.url, "threshold": THRESHOLD},
                    "prepare_seconds": 120.0},
            rounds=1, iterations=1)
    _record(benchmark, "uploads", scan)
    _record(benchmark, "messages", relay)
    metric(benchmark, "bytes per request body (voucher = message ciphertext)", size, "B")
    assert scan.requests > 0 and relay.requests > 0, scan.first_error or relay.first_error


def _voucher_size(blinded: Any, wire: Any) -> int:
    import secrets

    from tests.benchmarks.rows import BENCH_ACCOUNT_ID
    from tests.benchmarks.throughput_clients import ASSOCIATED_DATA
    from vouchsafe.sdk.tpsi import SyntheticSchedule, generate_voucher, new_account

    account = new_account(blinded.params, threshold=THRESHOLD)
    voucher = generate_voucher(account, blinded, candidate_hashes=[secrets.token_bytes(32)],
                               item_id=secrets.token_bytes(16), associated_data=ASSOCIATED_DATA,
                               account_id=BENCH_ACCOUNT_ID,
                               schedule=SyntheticSchedule.never(),)
    return len(wire.encode_safety_voucher(voucher))
