"""Messages: store-and-forward of end-to-end encrypted blobs. The server never sees plaintext.

Relay traffic is deliberately NOT written to the audit log: who-messages-whom is not a
detection step and logging it would build a social graph.
"""

from __future__ import annotations

from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import AccountSuspended, Conflict, InvalidArgument, NotFound
from vouchsafe.server.routers.base import signed_route
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_USER, STATUS_SUSPENDED, StoredMessage

MESSAGE_ID_BYTES = 16


def send(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.SendMessageRequest
) -> api_pb2.SendMessageResponse:
    if caller.account.status == STATUS_SUSPENDED:
        raise AccountSuspended("this account is suspended")
    if len(req.message_id) != MESSAGE_ID_BYTES:
        raise InvalidArgument(f"message_id must be {MESSAGE_ID_BYTES} bytes", field="message_id")
    if not req.ciphertext:
        raise InvalidArgument("ciphertext is empty", field="ciphertext")
    if len(req.ciphertext) > ctx.settings.max_message_bytes:
        raise InvalidArgument(
            f"ciphertext exceeds {ctx.settings.max_message_bytes} bytes", field="ciphertext"
        )
    recipient = tx.accounts.get(req.recipient_account_id)
    if recipient is None or recipient.role != ROLE_USER:
        raise NotFound("no such recipient", field="recipient_account_id")
    existing = tx.messages.get(req.message_id)
    if existing is not None:
        if existing.sender_account_id != caller.account_id or existing.ciphertext != req.ciphertext:
            raise Conflict("message_id was already used", field="message_id")
        return api_pb2.SendMessageResponse(
            version=1, message_id=req.message_id, stored_at_ms=existing.stored_at_ms
        )
    now = ctx.clock()
    tx.messages.add(
        StoredMessage(
            req.message_id,
            caller.account_id,
            recipient.account_id,
            tx.messages.next_sequence(recipient.account_id),
            now,
            req.ciphertext,
            now + ctx.settings.message_retention_ms,
        )
    )
    return api_pb2.SendMessageResponse(version=1, message_id=req.message_id, stored_at_ms=now)


def fetch(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.FetchMessagesRequest
) -> api_pb2.FetchMessagesResponse:
    if req.limit > 500:
        raise InvalidArgument("limit is at most 500", field="limit")
    rows = tx.messages.fetch(caller.account_id, req.after_sequence, req.limit or 100)
    return api_pb2.FetchMessagesResponse(
        version=1,
        messages=[
            api_pb2.RelayedMessage(
                message_id=m.message_id,
                sender_account_id=m.sender_account_id,
                recipient_account_id=m.recipient_account_id,
                sequence=m.sequence,
                stored_at_ms=m.stored_at_ms,
                ciphertext=m.ciphertext,
            )
            for m in rows
        ],
    )


def ack(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.AckMessagesRequest
) -> api_pb2.AckMessagesResponse:
    if len(req.message_ids) > 500:
        raise InvalidArgument("at most 500 ids per ack", field="message_ids")
    deleted = sum(tx.messages.delete(caller.account_id, mid) for mid in req.message_ids)
    return api_pb2.AckMessagesResponse(version=1, deleted=deleted)


def routes(ctx: ServerContext) -> list[Route]:
    return [
        signed_route(ctx, "/v1/messages/send", {ROLE_USER}, api_pb2.SendMessageRequest, send),
        signed_route(ctx, "/v1/messages/fetch", {ROLE_USER}, api_pb2.FetchMessagesRequest, fetch),
        signed_route(ctx, "/v1/messages/ack", {ROLE_USER}, api_pb2.AckMessagesRequest, ack),
    ]
