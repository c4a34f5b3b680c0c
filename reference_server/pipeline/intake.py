"""Step 1, intake: validate a safety voucher, run the outer step, persist it with its receipt.

The outer step (``run_outer_step``) needs no database and runs before the upload's transaction;
everything else happens in the caller's transaction, so the receipt exists only if the voucher
record (and its audit entry) committed: a receipt the client holds is never lost. A voucher id
seen before returns the original receipt (``duplicate``); the voucher id must be the protocol's
VoucherId of the bytes, and the same voucher from another account is a conflict. Non-matches
keep only the receipt (no voucher bytes). The account's recovery job is enqueued in the same
transaction (``recovery_jobs``); recovery itself runs after the response, when ``recovery_due``
says it may have work (the job is due, or the upload is a retry whose first attempt may have
died before recovery ran).
"""

from __future__ import annotations

from dataclasses import dataclass

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.provider_signatures import receipt_body, voucher_digest
from vouchsafe.sdk.crypto import labels
from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import Conflict, InvalidArgument, NotReady, PayloadTooLarge
from vouchsafe.server.hashset.updates import VoucherReleaseExpired
from vouchsafe.server.pipeline.recovery_jobs import enqueue_recovery
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import VoucherRecord


@dataclass(frozen=True)
class Intake:
    """A voucher's receipt, and whether the account's recovery job should be run (its outcome
    never reaches the client: the receipt is the same either way)."""

    receipt: api_pb2.VoucherReceipt
    recovery_due: bool


@dataclass(frozen=True)
class OuterStep:
    """The outer step's result for one upload, computed before its transaction: ``opened``
    (the OpenedVoucher encoding of a match or synthetic, else None), or ``expired`` when the
    voucher's release is past its processing window (refused, unless this is the retry of a
    voucher accepted in time)."""

    opened: bytes | None
    expired: VoucherReleaseExpired | None = None


def run_outer_step(
    ctx: ServerContext, request: api_pb2.UploadVoucherRequest, account_id: str
) -> OuterStep:
    """Checks the voucher's size and VoucherId and runs the tPSI outer step: no database, so
    it runs outside the upload's transaction and never holds a write lock."""
    if not request.safety_voucher:
        raise InvalidArgument("safety_voucher is empty", field="safety_voucher")
    if len(request.safety_voucher) > ctx.settings.max_voucher_bytes:
        raise PayloadTooLarge(
            f"safety_voucher exceeds {ctx.settings.max_voucher_bytes} bytes", field="safety_voucher"
        )
    if ctx.matcher is None:
        raise NotReady("the server has no hash set loaded; vouchers cannot be taken in yet")
    if request.voucher_id != ctx.matcher.voucher_id(request.safety_voucher):
        raise InvalidArgument(
            "voucher_id is not the VoucherId of safety_voucher", field="voucher_id"
        )
    try:
        return OuterStep(ctx.matcher.outer_step(request.safety_voucher, account_id))
    except VoucherReleaseExpired as expired:
        return OuterStep(None, expired)


def receive_voucher(
    ctx: ServerContext,
    tx: Repos,
    account_id: str,
    request: api_pb2.UploadVoucherRequest,
    outer: OuterStep,
) -> Intake:
    """Stores one voucher for ``account_id`` (already authenticated), whose outer step gave
    ``outer`` (``run_outer_step``), and returns its receipt."""
    digest = voucher_digest(request.safety_voucher)
    opened = outer.opened
    now = ctx.clock()
    ttl = ctx.settings.retention_ms if opened is not None else ctx.settings.nonmatch_retention_ms
    record = VoucherRecord(request.voucher_id, account_id, now, digest, opened, now + ttl)
    if not tx.vouchers.add_new(record):
        existing = tx.vouchers.get(request.voucher_id)
        assert existing is not None  # the insert found it, in this transaction
        if existing.account_id != account_id:
            raise Conflict("this voucher was uploaded by another account", field="voucher_id")
        return Intake(_receipt(ctx, existing, duplicate=True), recovery_due=True)
    if outer.expired is not None:
        raise outer.expired  # rolls the insert back
    due = enqueue_recovery(ctx, tx, account_id, opened is not None)
    # The entry says a voucher arrived, never whether the outer step matched.
    ctx.log(
        tx, "voucher_received", {"account_id": account_id, "voucher_id": record.voucher_id.hex()}
    )
    return Intake(_receipt(ctx, record, duplicate=False), recovery_due=due)


def _receipt(ctx: ServerContext, record: VoucherRecord, duplicate: bool) -> api_pb2.VoucherReceipt:
    receipt = api_pb2.VoucherReceipt(
        version=1,
        voucher_id=record.voucher_id,
        account_id=record.account_id,
        received_at_ms=record.received_at_ms,
        voucher_digest=record.voucher_digest,
        duplicate=duplicate,
        provider_key_id=ctx.provider_key.key_id,
    )
    receipt.signature = ctx.provider_key.sign(labels.VOUCHER_RECEIPT, receipt_body(receipt))
    return receipt
