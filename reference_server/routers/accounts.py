"""Accounts: registration (unsigned) and lookup (signed, users)."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.signing import key_id_for
from vouchsafe.sdk.crypto import ed25519
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import Conflict, InvalidArgument, NotFound
from vouchsafe.server.http import parse_message, protobuf_response, read_body
from vouchsafe.server.routers.base import signed_route
from vouchsafe.server.storage import DuplicateKey, Repos
from vouchsafe.server.storage.records import ROLE_USER, STATUS_ACTIVE, STATUS_SUSPENDED, Account

HANDLE = re.compile(r"[a-z0-9_.-]{1,64}")
_STATUS = {
    STATUS_ACTIVE: api_pb2.ACCOUNT_STATUS_ACTIVE,
    STATUS_SUSPENDED: api_pb2.ACCOUNT_STATUS_SUSPENDED,
}


def register(
    ctx: ServerContext, request: api_pb2.RegisterAccountRequest
) -> api_pb2.RegisterAccountResponse:
    """Binds a new user account to the request's Ed25519 key (idempotent per key)."""
    if len(request.signing_public_key) != 32:
        raise InvalidArgument("signing_public_key must be 32 bytes", field="signing_public_key")
    if not ed25519.is_valid_public_key(request.signing_public_key):
        raise InvalidArgument(
            "signing_public_key is not a canonical Ed25519 key of prime order",
            field="signing_public_key",
        )
    if request.encryption_public_key and len(request.encryption_public_key) != 32:
        raise InvalidArgument(
            "encryption_public_key must be 32 bytes", field="encryption_public_key"
        )
    if request.handle and not HANDLE.fullmatch(request.handle):
        raise InvalidArgument("handle must match [a-z0-9_.-]{1,64}", field="handle")
    account_id = key_id_for(request.signing_public_key)
    with ctx.storage.transaction() as tx:
        existing = tx.accounts.get(account_id)
        if existing is None:
            now = ctx.clock()
            account = Account(
                account_id,
                request.signing_public_key,
                request.encryption_public_key,
                request.handle,
                ROLE_USER,
                STATUS_ACTIVE,
                now,
                now + ctx.settings.retention_ms,
            )
            try:
                tx.accounts.add(account)
            except DuplicateKey as exc:
                raise Conflict("this handle is taken", field="handle") from exc
            ctx.log(tx, "account_registered", {"account_id": account_id, "role": ROLE_USER})
    return api_pb2.RegisterAccountResponse(version=1, account_id=account_id, key_id=account_id)


def account_info(account: Account, *, with_status: bool) -> api_pb2.AccountInfo:
    """The wire view of an account; ``status`` only when ``with_status`` (the account itself).

    A suspension follows a confirmed report, so other users are never told about it: for them
    ``status`` is ``ACCOUNT_STATUS_UNSPECIFIED`` whatever the account's state.
    """
    info = api_pb2.AccountInfo(
        version=1,
        account_id=account.account_id,
        handle=account.handle,
        signing_public_key=account.signing_public_key,
        encryption_public_key=account.encryption_public_key,
    )
    if with_status:
        info.status = _STATUS.get(account.status, api_pb2.ACCOUNT_STATUS_UNSPECIFIED)
    return info


def lookup(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.LookupAccountRequest
) -> api_pb2.AccountInfo:
    """A user account by id or handle; its status is told only to the account itself."""
    if bool(req.account_id) == bool(req.handle):
        raise InvalidArgument("give exactly one of account_id and handle", field="account_id")
    found = tx.accounts.get(req.account_id) if req.account_id else tx.accounts.by_handle(req.handle)
    if found is None or found.role != ROLE_USER:
        raise NotFound("no such account", field="account_id" if req.account_id else "handle")
    return account_info(found, with_status=found.account_id == caller.account_id)


def routes(ctx: ServerContext) -> list[Route]:
    async def register_endpoint(request: Request) -> Response:
        # Registration is unsigned, so its rate limit is per client address.
        ctx.limiter.take("register:" + (request.client.host if request.client else "?"))
        raw = await read_body(request, 4096)
        message = parse_message(api_pb2.RegisterAccountRequest, raw)
        response = await run_in_threadpool(register, ctx, message)
        ctx.tallies.count("ok")
        return protobuf_response(response)

    return [
        Route("/v1/accounts", register_endpoint, methods=["POST"]),
        signed_route(ctx, "/v1/accounts/lookup", {ROLE_USER}, api_pb2.LookupAccountRequest, lookup),
    ]
