"""Attack 10: recovery flood, one account stalling threshold recovery for everyone.

Any client can make vouchers that always open (``Q = beta G``) with arbitrary distinct tags and
DHF values; here the attacker's client runs the synthetic branch for every item and ignores
its budget. In v1 every later upload re-ran an O((t - 1 + s_max)^2 n) elimination over all
the account's opened records, inside the request. This attack floods one account with
``flood`` such vouchers and, upload by upload, runs what the server runs: the outer step, then
the account's recovery step (``AccountRecovery.add`` with the new record only, as the
threshold job does). It records the work (rows processed and kept) and the time per upload,
and times an honest account's uploads with and without the flood running beside it.

``held`` is decided from the work, never from timing: each flooding upload adds at most one
row; the account never keeps more than ``t - 1 + s_max`` rows; past that it is marked
``abuse_suspected`` and later uploads cause no recovery work at all.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from vouchsafe.threat_model.attacks.base import ATTACK_ACCOUNT_ID, AttackOutcome

NUMBER = 10
NAME = "recovery-flood"
TITLE = "recovery flood: crafted always-opening vouchers against threshold recovery"


@dataclass(frozen=True)
class Config:
    """Threshold, synthetic cap, flood size beyond the cap, honest uploads to time."""

    threshold: int = 30
    synthetic_max: int = 0  # 0: the protocol default
    beyond_cap: int = 60
    honest_uploads: int = 20
    seed: int = 10


def run(config: Config) -> AttackOutcome:
    """Floods one account, measures work and time per upload; decides the claim from work."""
    from vouchsafe.sdk.tpsi import (
        AccountRecovery,
        SyntheticSchedule,
        blind_hash_set,
        generate_server_keys,
        generate_voucher,
        new_account,
        process_voucher,
    )
    from vouchsafe.sdk.tpsi.params import DEFAULT_SYNTHETIC_MAX

    s_max = config.synthetic_max or int(DEFAULT_SYNTHETIC_MAX)
    t = config.threshold
    known = [bytes([i % 256, i // 256]) * 16 for i in range(1, 65)]
    server_key = generate_server_keys()
    blinded = blind_hash_set(
        server_key, known, max_candidates=1, synthetic_max=s_max, padded_associated_data_length=256
    )
    params = blinded.params
    attacker = new_account(params, threshold=t)
    flood_schedule = SyntheticSchedule.always(10**9)  # a client that ignores its budget
    honest = new_account(params, threshold=t)
    honest_schedule = SyntheticSchedule.never()
    width = t - 1 + s_max
    total = width + config.beyond_cap

    def voucher(account: object, schedule: SyntheticSchedule, i: int, y: bytes) -> object:
        return generate_voucher(
            account,  # type: ignore[arg-type]
            blinded,
            candidate_hashes=[y],
            item_id=b"item-%d" % i,
            associated_data=b"",
            account_id=ATTACK_ACCOUNT_ID,
            schedule=schedule,
        )

    flood = [voucher(attacker, flood_schedule, i, b"nothing-%08d" % i) for i in range(total)]
    honest_vouchers = [
        voucher(honest, honest_schedule, i, known[i % len(known)])
        for i in range(2 * config.honest_uploads)
    ]
    attacker_state = AccountRecovery(params, threshold=t)
    honest_state = AccountRecovery(params, threshold=t)

    def upload(v: object, state: AccountRecovery) -> tuple[float, int]:
        start = time.perf_counter()
        opened = process_voucher(server_key, blinded, v, account_id=ATTACK_ACCOUNT_ID)  # type: ignore[arg-type]
        new = 0
        if opened is not None:
            new = state.add([opened]).new_distinct
        return time.perf_counter() - start, new

    quiet = [upload(v, honest_state)[0] for v in honest_vouchers[: config.honest_uploads]]
    per_upload: list[float] = []
    new_rows: list[int] = []
    kept: list[int] = []
    flooded_honest: list[float] = []
    every = max(1, total // config.honest_uploads)
    honest_iter = iter(honest_vouchers[config.honest_uploads :])
    for i, v in enumerate(flood):
        elapsed, new = upload(v, attacker_state)
        per_upload.append(elapsed)
        new_rows.append(new)
        kept.append(attacker_state.rows_kept)
        if i % every == 0:
            nxt = next(honest_iter, None)
            if nxt is not None:
                flooded_honest.append(upload(nxt, honest_state)[0])
    marked_at = next(
        (i for i, r in enumerate(kept) if r == 0 and i > 0 and attacker_state.abused), None
    )
    after = new_rows[marked_at + 1 :] if marked_at is not None else []
    held = (
        max(new_rows) <= 1
        and max(kept) <= width
        and attacker_state.abused
        and marked_at is not None
        and marked_at <= width
        and all(n == 0 for n in after)
    )

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1e3, 3) if values else 0.0

    window = max(1, min(50, width // 4))
    evidence = {
        "threshold": t,
        "synthetic_max": s_max,
        "row_space_width": width,
        "flood_uploads": total,
        "max_rows_added_per_upload": max(new_rows),
        "max_rows_kept": max(kept),
        "marked_abuse_suspected_at_upload": None if marked_at is None else marked_at + 1,
        "abuse_reason": attacker_state.abuse_reason,
        "recovery_work_after_mark": sum(after),
        "flood_upload_ms_median": {
            f"first_{window}": ms(per_upload[:window]),
            f"last_{window}_before_cap": ms(per_upload[max(0, width - window) : width]),
            "after_mark": ms(per_upload[width + 1 :]),
        },
        "honest_upload_ms_median": {"no_flood": ms(quiet), "during_flood": ms(flooded_honest)},
    }
    claim = (
        "One account flooding crafted always-opening vouchers costs the server at most one "
        "row-space update per upload, never more than t - 1 + s_max kept rows, and nothing "
        "once the account is marked abuse_suspected"
    )
    notes = (
        "times are single-process wall clock on this machine (evidence only; held is decided "
        "from the work counts)",
        "per-upload time = outer step + the account's incremental recovery step; the server "
        "runs the second off the request path (threshold job)",
    )
    return AttackOutcome(claim=claim, held=held, evidence=evidence, notes=notes)
