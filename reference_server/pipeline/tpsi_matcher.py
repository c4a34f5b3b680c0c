"""The server's role in tPSI-AD, from ``sdk.tpsi``: the real ``VoucherMatcher``.

``outer_step`` decodes a SafetyVoucher strictly (for this release's parameters) and runs
``process_voucher``; a match or synthetic voucher is stored as the canonical OpenedVoucher
encoding. ``recover`` runs ``recover_associated_data`` over one account's stored records.
The match threshold is the provider's policy: records whose declared threshold differs are
left out of recovery (the intake answer is the same either way, so a device never learns from
it whether its voucher opened).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reference_server.pipeline.matching import RecoveredItem
from sdk.tpsi import (
    BlindedHashSet,
    ServerKey,
    process_voucher,
    recover_associated_data,
    wire,
)


@dataclass(frozen=True)
class TpsiMatcher:
    """Outer and inner server steps for one release (its blinded hash set and server key)."""

    server_key: ServerKey = field(repr=False)
    blinded: BlindedHashSet = field(repr=False)
    threshold: int
    release_id: str

    def voucher_id(self, safety_voucher: bytes) -> bytes:
        voucher = wire.decode_safety_voucher(safety_voucher, self.blinded.params)
        return wire.voucher_id(voucher)

    def outer_step(self, safety_voucher: bytes) -> bytes | None:
        voucher = wire.decode_safety_voucher(safety_voucher, self.blinded.params)
        opened = process_voucher(self.server_key, self.blinded, voucher)
        return None if opened is None else wire.encode_opened_voucher(opened)

    def recover(self, opened: Sequence[bytes]) -> list[RecoveredItem]:
        records = [wire.decode_opened_voucher(o) for o in opened]
        digest = self.blinded.params.params_digest
        usable = [r for r in records if r.threshold == self.threshold and r.params_digest == digest]
        if len(usable) < self.threshold:
            return []
        result = recover_associated_data(self.blinded.params, usable)
        if not result.threshold_reached:
            return []
        return [RecoveredItem(item.item_id.hex(), item.associated_data) for item in result.items]
