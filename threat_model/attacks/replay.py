"""Attack 6: replay and inflation of an account's match count.

An account sits at ``t - 1`` distinct real matches (below threshold). The attacker tries to push
it over with what it can get hold of:

- **replay**: the same voucher bytes submitted again and again (network attacker, or a server
  re-running its own input);
- **duplicate**: fresh vouchers for an item id already counted, made on a second device of the
  same account (``account_from_secret``): new randomness, same share;
- **cross-account**: matching vouchers of another account (a sender who matched elsewhere, or a
  malicious client injecting its own vouchers into the victim's upload stream).

After each, the server runs its inner step on everything it holds for the account. Then one more
genuine, distinct matching item is added, to show the threshold is reachable the honest way and
that the injected vouchers did not corrupt recovery.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vouchsafe.threat_model.attacks import pipeline
from vouchsafe.threat_model.attacks.base import ATTACK_ACCOUNT_ID, AttackOutcome

if TYPE_CHECKING:
    from vouchsafe.sdk.tpsi import AccountKeys, OpenedVoucher, RecoveryResult, SafetyVoucher

NUMBER = 6
NAME = "replay"
TITLE = "replay and inflation: replayed, duplicated and cross-account vouchers"


@dataclass(frozen=True)
class Config:
    """The match threshold and how many copies of each kind the attacker submits."""

    threshold: int = 5
    copies: int = 6


def _key(i: int) -> bytes:
    return hashlib.sha256(f"vouchsafe/threat/known/{i}".encode()).digest()


def run(config: Config) -> AttackOutcome:
    """Builds the below-threshold account, injects each kind, and records the inner step."""
    pipeline.require_tpsi()
    from vouchsafe.sdk.tpsi import (
        SyntheticSchedule,
        account_from_secret,
        blind_hash_set,
        generate_server_keys,
        generate_voucher,
        new_account,
        process_voucher,
        recover_associated_data,
    )

    t = config.threshold
    known = [_key(i) for i in range(4 * t)]
    server_key = generate_server_keys()
    blinded = blind_hash_set(server_key, known, max_candidates=1)
    params = blinded.params
    victim = new_account(params, threshold=t)
    second_device = account_from_secret(params, victim.secret, threshold=t)
    other = new_account(params, threshold=t)

    def voucher(account: AccountKeys, i: int, item: str) -> SafetyVoucher:
        return generate_voucher(
            account,
            blinded,
            candidate_hashes=[known[i]],
            item_id=item.encode(),
            associated_data=f"ad of {item}".encode(),
            account_id=ATTACK_ACCOUNT_ID,
            schedule=SyntheticSchedule.never(),
        )

    def opened_of(vouchers: list[SafetyVoucher]) -> list[OpenedVoucher]:
        out = []
        for v in vouchers:
            o = process_voucher(server_key, blinded, v, account_id=ATTACK_ACCOUNT_ID)
            if o is not None:
                out.append(o)
        return out

    held_vouchers = [voucher(victim, i, f"victim-{i}") for i in range(t - 1)]
    stages: dict[str, dict[str, object]] = {}
    results: dict[str, RecoveryResult] = {}

    def stage(name: str, extra: list[SafetyVoucher]) -> None:
        held_vouchers.extend(extra)
        result = recover_associated_data(params, opened_of(held_vouchers))
        results[name] = result
        stages[name] = {
            "vouchers_held": len(held_vouchers),
            "distinct_shares": result.distinct_shares,
            "threshold_reached": result.threshold_reached,
            "items_recovered": len(result.items),
        }

    stage("honest_t_minus_1", [])
    stage("replayed", [held_vouchers[0]] * config.copies)
    stage(
        "duplicated_on_second_device",
        [voucher(second_device, 0, "victim-0") for _ in range(config.copies)],
    )
    stage(
        "cross_account_below_t",
        [voucher(other, t + i, f"other-{i}") for i in range(t - 1)],
    )
    stage("one_more_genuine_item", [voucher(victim, t - 1, f"victim-{t - 1}")])
    final = stages["one_more_genuine_item"]
    recovered_ids = sorted(item.item_id for item in results["one_more_genuine_item"].items)
    final["recovered_only_own_items"] = recovered_ids == sorted(
        f"victim-{i}".encode() for i in range(t)
    )
    # A full account's worth of another account's vouchers, stored under the victim's account.
    injected = [voucher(other, t + i, f"other-{i}") for i in range(t)]
    below = [voucher(victim, i, f"victim-{i}") for i in range(t - 1)]
    mixed = recover_associated_data(params, opened_of(below + injected))
    misattributed = sorted(item.item_id for item in mixed.items) == sorted(
        f"other-{i}".encode() for i in range(t)
    )
    stages["cross_account_full_injection"] = {
        "threshold_reached": mixed.threshold_reached,
        "items_recovered": len(mixed.items),
        "recovered_items_are_the_injectors": misattributed,
    }
    attacked = ("replayed", "duplicated_on_second_device", "cross_account_below_t")
    held = (
        not any(stages[s]["threshold_reached"] for s in attacked)
        and all(stages[s]["items_recovered"] == 0 for s in attacked)
        and stages["replayed"]["distinct_shares"] == t - 1
        and stages["duplicated_on_second_device"]["distinct_shares"] == t - 1
        and bool(final["threshold_reached"])
        and bool(final["recovered_only_own_items"])
    )
    claim = (
        "Replayed, duplicated and cross-account (fewer than t) vouchers do not move an account "
        "over the threshold or let the server read anything; one more genuine distinct match "
        "does, and then exactly the account's own t items are recovered. Limit: t or more "
        "vouchers of another account stored under the victim's account are recovered there"
    )
    evidence: dict[str, object] = {"threshold": t, "copies_per_attack": config.copies, **stages}
    notes = (
        "cross-account vouchers raise the count of distinct shares (they have their own "
        "x-coordinates) but lie on another polynomial; the detectable-hash test keeps them out",
        "a full injection is recovered under the victim's account (misattribution): only "
        "authenticated upload (signed requests binding vouchers to the uploading account) "
        "prevents it, not the protocol",
    )
    return AttackOutcome(claim=claim, held=held, evidence=evidence, notes=notes)
