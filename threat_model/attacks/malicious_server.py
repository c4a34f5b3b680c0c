"""Attack 4: a malicious (or coerced) server hides a target in an empty table slot.

The server builds an honest blinded hash set from the admitted keys, then writes
``alpha * H(target)`` into an empty slot at one of the target's cuckoo positions, where a filler
element was. The target is any key the server chooses (the stand-in: the PSI key of a benign
image that no source listed). The attack measures:

- **device**: ``verify_blinded_hash_set`` (what every device runs) accepts the tampered set;
  the device has no way to tell the target's element from filler without ``alpha``;
- **effect**: a voucher for the target does not open against the honest set and opens against
  the tampered one, so the device would now report it;
- **keyed audit of randomised filler**: an auditor holding ``alpha`` and the admitted keys
  explains exactly the admitted slots in both tables; every other slot is "unexplained" in both,
  in the same number, so this check cannot see the target;
- **release comparison**: the tampered set's table digest differs from the honest one's, so a
  device comparing its release with the published root catches per-device targeting (not a
  target put in the one global release, which only a re-derivable filler would expose).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vouchsafe.threat_model.attacks import pipeline
from vouchsafe.threat_model.attacks.base import ATTACK_ACCOUNT_ID, AttackOutcome

NUMBER = 4
NAME = "malicious-server"
TITLE = "malicious server: a target hidden in an empty slot of the blinded hash set"


@dataclass(frozen=True)
class Config:
    """Size of the admitted set and how many targets to try to hide."""

    admitted: int = 200
    targets: int = 5


def _key(label: str, i: int) -> bytes:
    # Stand-in PSI keys: 32 bytes, like vouchsafe.sdk.media.candidates keys; no image involved.
    return hashlib.sha256(f"vouchsafe/threat/{label}/{i}".encode()).digest()


def run(config: Config) -> AttackOutcome:
    """Tampers with a fresh blinded set once per target and records what notices."""
    pipeline.require_tpsi()
    from vouchsafe.sdk.crypto.hash_to_group import hash_to_group
    from vouchsafe.sdk.errors import VouchsafeError
    from vouchsafe.sdk.tpsi import (
        SyntheticSchedule,
        blind_hash_set,
        generate_server_keys,
        generate_voucher,
        new_account,
        process_voucher,
        verify_blinded_hash_set,
    )
    from vouchsafe.sdk.tpsi.cuckoo import CuckooPositions
    from vouchsafe.sdk.tpsi.params import BlindedHashSet, table_digest

    admitted = [_key("admitted", i) for i in range(config.admitted)]
    server_key = generate_server_keys()
    honest = blind_hash_set(server_key, admitted, max_candidates=1)
    params = honest.params
    seeded = _seeded_build(server_key, admitted)
    positions = CuckooPositions(params.table_size, params.cuckoo_nonce_1, params.cuckoo_nonce_2)

    def blinded_of(y: bytes) -> bytes:
        return bytes(hash_to_group(y) * server_key.alpha)

    explained_honest = {blinded_of(y) for y in admitted}
    filled = {i for i in range(params.table_size) if honest.element(i) in explained_honest}
    counts = {
        "targets_tried": 0,
        "hidden": 0,
        "device_accepted": 0,
        "opened_on_honest": 0,
        "opened_on_tampered": 0,
        "keyed_unexplained_equal": 0,
        "digest_changed": 0,
        "seeded_hidden": 0,
        "seeded_rebuild_detects": 0,
    }
    for i in range(config.targets):
        target = _key("target", i)
        counts["targets_tried"] += 1
        free = [w for w in positions(target) if w not in filled]
        if not free:
            continue
        slot = free[0]
        table = bytearray(honest.table)
        table[slot * 32 : (slot + 1) * 32] = blinded_of(target)
        tampered_params = dataclasses.replace(params, table_digest=table_digest(bytes(table)))
        tampered = BlindedHashSet(params=tampered_params, table=bytes(table))
        counts["hidden"] += 1
        try:
            verify_blinded_hash_set(tampered)
            counts["device_accepted"] += 1
        except VouchsafeError:
            pass
        for name, blinded in (("honest", honest), ("tampered", tampered)):
            account = new_account(blinded.params, threshold=3)
            voucher = generate_voucher(
                account,
                blinded,
                candidate_hashes=[target],
                item_id=b"t",
                associated_data=b"",
                account_id=ATTACK_ACCOUNT_ID,
                schedule=SyntheticSchedule.never(),
            )
            counts[f"opened_on_{name}"] += (
                process_voucher(server_key, blinded, voucher, account_id=ATTACK_ACCOUNT_ID)
                is not None
            )
        unexplained = [
            sum(1 for w in range(params.table_size) if b.element(w) not in explained_honest)
            for b in (honest, tampered)
        ]
        counts["keyed_unexplained_equal"] += unexplained[0] == unexplained[1]
        counts["digest_changed"] += tampered_params.table_digest != params.table_digest
        caught = seeded(target)
        if caught is not None:
            counts["seeded_hidden"] += 1
            counts["seeded_rebuild_detects"] += caught
    hidden = counts["hidden"]
    held = (
        hidden > 0
        and counts["device_accepted"] == hidden
        and counts["opened_on_honest"] == 0
        and counts["opened_on_tampered"] == hidden
        and counts["keyed_unexplained_equal"] == hidden
        and counts["digest_changed"] == hidden
        and counts["seeded_hidden"] > 0
        and counts["seeded_rebuild_detects"] == counts["seeded_hidden"]
    )
    claim = (
        "Documented limit: a target the server hides in an empty slot passes every device "
        "check and makes the device's voucher for it open; a keyed audit of randomised filler "
        "cannot see it; comparing the release with the published root (per-device targeting) "
        "and re-building a seeded table byte for byte (hashset audit with the build seed) "
        "expose it"
    )
    evidence: dict[str, object] = {
        "admitted_keys": len(admitted),
        "table_size": params.table_size,
        "empty_slots": params.table_size - len(filled),
        **counts,
    }
    notes = (
        "tables of this size leave ~1/(1+eps) of slots empty, so most targets have a free "
        "cuckoo position; a target whose positions are both filled needs a rehash with new "
        "nonces, which the server also controls",
    )
    return AttackOutcome(claim=claim, held=held, evidence=evidence, notes=notes)


def _seeded_build(server_key: Any, admitted: list[bytes]) -> Callable[[bytes], bool | None]:
    """The release build's deterministic table (``TpsiBlinder`` with a build seed), and a check
    that an auditor re-building it byte for byte sees a target hidden in one of its empty slots.
    """
    from vouchsafe.sdk.crypto.group import scalarmult_bytes
    from vouchsafe.sdk.crypto.hash_to_group import hash_to_group_bytes
    from vouchsafe.sdk.tpsi import wire
    from vouchsafe.sdk.tpsi.cuckoo import CuckooPositions
    from vouchsafe.server.hashset.blinding import TpsiBlinder

    blinder = TpsiBlinder()
    key_bytes = wire.encode_server_key(server_key)
    seed = hashlib.sha256(b"vouchsafe/threat/build-seed").digest()
    built = blinder.blind(key_bytes, admitted, seed)
    params = wire.decode_server_params(built.server_params)
    positions = CuckooPositions(params.table_size, params.cuckoo_nonce_1, params.cuckoo_nonce_2)
    filled = {blinder.blinded_element(key_bytes, y) for y in admitted}

    def detects(target: bytes) -> bool | None:
        """None if both cuckoo positions are filled; else whether the rebuild differs."""
        table = bytearray(built.table)
        for w in positions(target):
            if bytes(table[w * 32 : (w + 1) * 32]) not in filled:
                element = scalarmult_bytes(server_key.alpha.encoding, hash_to_group_bytes(target))
                table[w * 32 : (w + 1) * 32] = element
                break
        else:
            return None
        rebuilt = blinder.blind(key_bytes, admitted, seed)
        return rebuilt.table != bytes(table)

    return detects
