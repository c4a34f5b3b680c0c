"""What a candidate budget costs: voucher bytes, device and server milliseconds per voucher.

For each budget ``K`` the harness blinds a small hash set under ``max_candidates = K``, generates a
real safety voucher carrying ``K`` candidates (one of them in the set, so the outer step opens
it), encodes it and times ``generate_voucher`` and ``process_voucher`` (the outer step). Times are
medians of a few runs on this machine (shared, so indicative); ``make bench`` has the careful
figures next to their libsodium floors.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any

HASH_SET_SIZE = 64
ASSOCIATED_DATA = b"benign eval payload"
ACCOUNT_ID = b"eval-account"


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples)


def budget_cost(max_candidates: int, repeats: int = 3) -> dict[str, Any]:
    """Voucher bytes, halves and median device / server milliseconds at one budget."""
    from vouchsafe.sdk import tpsi
    from vouchsafe.sdk.tpsi.wire import encode_safety_voucher

    server_key = tpsi.generate_server_keys()
    known = [secrets.token_bytes(32) for _ in range(HASH_SET_SIZE)]
    blinded = tpsi.blind_hash_set(server_key, known, max_candidates=max_candidates)
    account = tpsi.new_account(blinded.params, threshold=10)
    candidates = known[:1] + [secrets.token_bytes(32) for _ in range(max_candidates - 1)]
    never = tpsi.SyntheticSchedule.never()

    def generate() -> Any:
        return tpsi.generate_voucher(
            account, blinded, candidate_hashes=candidates, item_id=b"eval-item",
            associated_data=ASSOCIATED_DATA, account_id=ACCOUNT_ID, schedule=never,
        )  # fmt: skip

    voucher = generate()
    return {
        "max_candidates": max_candidates,
        "halves": len(voucher.halves),
        "voucher_bytes": len(encode_safety_voucher(voucher)),
        "device_ms_generate_voucher": _median_ms(generate, repeats),
        "server_ms_outer_step": _median_ms(
            lambda: tpsi.process_voucher(server_key, blinded, voucher, account_id=ACCOUNT_ID),
            repeats,
        ),
    }


def budget_costs(budgets: tuple[int, ...], repeats: int = 3) -> list[dict[str, Any]]:
    """:func:`budget_cost` for each budget."""
    return [budget_cost(k, repeats) for k in budgets]
