"""The one way an authenticated endpoint is built: read, verify, act, commit, answer.

``signed_route`` reads the bounded body, decodes the ``SignedRequest`` envelope, then in a worker
thread and ONE transaction: authenticates (signature, window, role, rate limit, nonce), decodes
the inner message and runs the action. Any error rolls the whole transaction back, so a refused
request changes nothing. An action that answers with ``Answer(message, afterwards)`` has
``afterwards`` run once the response has been sent (e.g. the account's recovery job), so its
cost never shows in the client's latency.

``prepared_signed_route`` is the same for an action with costly work that needs no database
(the tPSI outer step): the caller is verified on a read snapshot (and replays and the rate
limit refused) first, then ``prepare`` runs outside any transaction, then the transaction
verifies the caller again as stored now (``verify_caller_again``), records the nonce and runs
the action with what ``prepare`` returned. The work never holds a write lock (SQLite has one
writer).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

from google.protobuf.message import Message
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.signing import parse_signed_request
from vouchsafe.server.auth import (
    Caller,
    admit,
    authenticate,
    refuse_replay,
    verify_caller,
    verify_caller_again,
)
from vouchsafe.server.context import ServerContext
from vouchsafe.server.http import parse_message, protobuf_response, read_body
from vouchsafe.server.storage import Repos

M = TypeVar("M", bound=Message)
P = TypeVar("P")


@dataclass(frozen=True)
class Answer:
    """An action's reply ``message`` and work to run once the response has been sent (only
    when the transaction committed; its failure cannot change the answer)."""

    message: Message
    afterwards: Callable[[], None]


Result = Message | Response | Answer


def _respond(ctx: ServerContext, result: Result) -> Response:
    ctx.tallies.count("ok")
    if isinstance(result, Response):
        return result
    if isinstance(result, Answer):
        response = protobuf_response(result.message)
        response.background = BackgroundTask(result.afterwards)
        return response
    return protobuf_response(result)


def _signed_post(
    ctx: ServerContext,
    path: str,
    limit: int | None,
    handle: Callable[[api_pb2.SignedRequest], Result],
) -> Route:
    """A POST route at ``path``: reads the bounded body, decodes the ``SignedRequest``
    envelope, runs ``handle`` on it in a worker thread and answers with its result."""
    body_limit = limit if limit is not None else ctx.settings.max_body_bytes

    async def endpoint(request: Request) -> Response:
        envelope = parse_signed_request(await read_body(request, body_limit))
        return _respond(ctx, await run_in_threadpool(handle, envelope))

    return Route(path, endpoint, methods=["POST"])


def signed_route(
    ctx: ServerContext,
    path: str,
    roles: Collection[str],
    request_type: type[M],
    action: Callable[[ServerContext, Repos, Caller, M], Result],
    *,
    limit: int | None = None,
) -> Route:
    """A POST route at ``path`` for callers with one of ``roles``."""

    def in_transaction(envelope: api_pb2.SignedRequest) -> Result:
        with ctx.storage.transaction() as tx:
            caller = authenticate(
                tx,
                envelope,
                "POST",
                path,
                roles,
                now_ms=ctx.clock(),
                window_ms=ctx.settings.signature_window_ms,
                limiter=ctx.limiter,
                account_ttl_ms=ctx.settings.retention_ms,
            )
            inner = parse_message(request_type, envelope.body)
            return action(ctx, tx, caller, inner)

    return _signed_post(ctx, path, limit, in_transaction)


def prepared_signed_route(
    ctx: ServerContext,
    path: str,
    roles: Collection[str],
    request_type: type[M],
    prepare: Callable[[ServerContext, Caller, M], P],
    action: Callable[[ServerContext, Repos, Caller, M, P], Result],
    *,
    limit: int | None = None,
) -> Route:
    """A POST route at ``path`` for callers with one of ``roles`` whose ``prepare`` step runs
    after authentication and before the transaction (see the module docstring)."""
    window_ms = ctx.settings.signature_window_ms

    def in_threads(envelope: api_pb2.SignedRequest) -> Result:
        with ctx.storage.read() as tx:
            caller = verify_caller(
                tx, envelope, "POST", path, roles, now_ms=ctx.clock(), window_ms=window_ms
            )
            refuse_replay(tx, envelope)
        ctx.limiter.take(caller.account_id)
        inner = parse_message(request_type, envelope.body)
        prepared = prepare(ctx, caller, inner)
        with ctx.storage.transaction() as tx:
            now_ms = ctx.clock()
            caller = verify_caller_again(
                tx, envelope, caller, roles, now_ms=now_ms, window_ms=window_ms
            )
            admit(
                tx,
                caller,
                envelope,
                now_ms=now_ms,
                window_ms=window_ms,
                account_ttl_ms=ctx.settings.retention_ms,
            )
            return action(ctx, tx, caller, inner, prepared)

    return _signed_post(ctx, path, limit, in_threads)
