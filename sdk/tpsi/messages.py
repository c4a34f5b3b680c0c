"""The protocol's messages as frozen dataclasses (SPEC.md sections "SafetyVoucher",
"OpenedVoucher", "RecoveryResult"). ``vouchsafe.sdk.tpsi.wire`` converts them to and from
protobuf."""

from __future__ import annotations

from dataclasses import dataclass, field

from vouchsafe.sdk.tpsi.params import CIPHERSUITE, VERSION


@dataclass(frozen=True, slots=True)
class VoucherHalf:
    """One (Q, ct) pair: Q a 32-byte element encoding, ct 80 bytes."""

    q: bytes
    ct: bytes


@dataclass(frozen=True, slots=True)
class SafetyVoucher:
    """What a device uploads for one media item; every voucher of one configuration has the
    same number of halves and the same byte length, real or synthetic."""

    params_digest: bytes
    halves: tuple[VoucherHalf, ...]
    rct: bytes = field(repr=False)
    ciphersuite: str = CIPHERSUITE
    version: int = VERSION

    def __repr__(self) -> str:
        return f"SafetyVoucher(halves={len(self.halves)}, rct=<{len(self.rct)} bytes>)"


@dataclass(frozen=True, slots=True)
class OpenedVoucher:
    """The outer layer of a voucher opened (a match or a synthetic voucher; the server
    cannot tell which below threshold).

    ``item_tag`` is the share's x-coordinate: PRF(fkey, item_id), identical on every device of
    the account for one item id and unlinkable across accounts; the server deduplicates on
    it. ``voucher_id`` is VoucherId(encoded voucher), the key for idempotent upload.
    """

    voucher_id: bytes
    params_digest: bytes
    threshold: int
    item_tag: bytes
    share_y: bytes = field(repr=False)
    dhf_value: tuple[int, ...] = field(repr=False)
    adct: bytes = field(repr=False)
    ciphersuite: str = CIPHERSUITE
    version: int = VERSION

    def __repr__(self) -> str:
        return (
            f"OpenedVoucher(voucher_id={self.voucher_id.hex()[:16]}..., "
            f"item_tag={self.item_tag.hex()[:16]}..., threshold={self.threshold})"
        )


@dataclass(frozen=True, slots=True)
class RecoveredItem:
    """A real match whose associated data the server decrypted (past threshold)."""

    item_tag: bytes
    item_id: bytes
    associated_data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class RecoveryResult:
    """The inner step's outcome for one account.

    Below threshold ``threshold_reached`` is False and every tuple is empty: the server learns
    only ``distinct_shares`` (real plus synthetic, which it saw anyway). At or above threshold
    ``items`` holds every real match, ``synthetic_item_tags`` every synthetic voucher's tag,
    and ``undecryptable_item_tags`` real shares whose associated data did not decrypt (only a
    misbehaving client produces those). ``abuse_suspected``: the shares cannot come from an
    honest client (SPEC.md section 8.3); nothing is recovered and the account is not
    recomputed.
    """

    threshold_reached: bool
    distinct_shares: int
    items: tuple[RecoveredItem, ...] = ()
    synthetic_item_tags: tuple[bytes, ...] = ()
    undecryptable_item_tags: tuple[bytes, ...] = ()
    abuse_suspected: bool = False
