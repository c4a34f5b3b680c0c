"""Vouchers: upload (idempotent by voucher id) returning a signed receipt."""

from __future__ import annotations

import logging

from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import AccountSuspended, WrongAccount
from vouchsafe.server.pipeline.intake import receive_voucher
from vouchsafe.server.pipeline.threshold import run_threshold
from vouchsafe.server.routers.base import signed_route
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_USER, STATUS_SUSPENDED


def upload(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.UploadVoucherRequest
) -> api_pb2.VoucherReceipt:
    if req.account_id != caller.account_id:
        raise WrongAccount(
            "vouchers can only be uploaded for the signer's account", field="account_id"
        )
    if caller.account.status == STATUS_SUSPENDED:
        raise AccountSuspended("this account is suspended")
    return receive_voucher(ctx, tx, caller.account_id, req)


def threshold_on_arrival(
    ctx: ServerContext, caller: Caller, req: api_pb2.UploadVoucherRequest, receipt: object
) -> None:
    """After the receipt committed: try the threshold step for this account.

    A failure here must not cost the client its receipt; the scheduled sweep retries.
    """
    if isinstance(receipt, api_pb2.VoucherReceipt) and not receipt.duplicate:
        try:
            with ctx.storage.transaction() as tx:
                run_threshold(ctx, tx, caller.account_id)
        except Exception:  # logged; the scheduled sweep runs the step again
            logging.getLogger(__name__).exception("threshold step on arrival failed")


def routes(ctx: ServerContext) -> list[Route]:
    return [
        signed_route(
            ctx,
            "/v1/vouchers",
            {ROLE_USER},
            api_pb2.UploadVoucherRequest,
            upload,
            after=threshold_on_arrival,
        )
    ]
