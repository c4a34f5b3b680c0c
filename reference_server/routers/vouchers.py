"""Vouchers: upload (idempotent by voucher id) returning a signed receipt; the outer step runs
after authentication and before the transaction (``prepared_signed_route``)."""

from __future__ import annotations

import logging
from functools import partial

from google.protobuf.message import Message
from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import AccountSuspended, WrongAccount
from vouchsafe.server.pipeline.intake import OuterStep, receive_voucher, run_outer_step
from vouchsafe.server.pipeline.recovery_jobs import run_recovery_jobs
from vouchsafe.server.routers.base import Answer, prepared_signed_route
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_USER, STATUS_SUSPENDED


def check_uploader(caller: Caller, req: api_pb2.UploadVoucherRequest) -> None:
    """Vouchers are uploaded by their own, active account."""
    if req.account_id != caller.account_id:
        raise WrongAccount(
            "vouchers can only be uploaded for the signer's account", field="account_id"
        )
    if caller.account.status == STATUS_SUSPENDED:
        raise AccountSuspended("this account is suspended")


def outer_step(
    ctx: ServerContext, caller: Caller, req: api_pb2.UploadVoucherRequest
) -> OuterStep:
    """Before the transaction: the uploader's checks, then the outer step."""
    check_uploader(caller, req)
    return run_outer_step(ctx, req, caller.account_id)


def upload(
    ctx: ServerContext,
    tx: Repos,
    caller: Caller,
    req: api_pb2.UploadVoucherRequest,
    outer: OuterStep,
) -> Message | Answer:
    """In the transaction: the uploader's checks again (the account as stored now), then the
    voucher is stored and receipted."""
    check_uploader(caller, req)
    intake = receive_voucher(ctx, tx, caller.account_id, req, outer)
    if not intake.recovery_due:
        return intake.receipt
    return Answer(intake.receipt, partial(recover_after_response, ctx, caller.account_id))


def recover_after_response(ctx: ServerContext, account_id: str) -> None:
    """After the response was sent: run this account's recovery job if it is due.

    Also on a duplicate: a retry after a crash between the voucher commit and the threshold
    step runs the step that never ran. The client's latency does not depend on it, and a
    failure here costs nothing (the job stays due for the next upload or any worker's poll).
    """
    try:
        run_recovery_jobs(ctx, account_id)
    except Exception:  # logged; the job stays due
        logging.getLogger(__name__).exception("recovery job after upload failed")


def routes(ctx: ServerContext) -> list[Route]:
    return [
        prepared_signed_route(
            ctx,
            "/v1/vouchers",
            {ROLE_USER},
            api_pb2.UploadVoucherRequest,
            outer_step,
            upload,
        )
    ]
