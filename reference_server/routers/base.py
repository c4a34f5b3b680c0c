"""The one way an authenticated endpoint is built: read, verify, act, commit, answer.

``signed_route`` reads the bounded body, decodes the ``SignedRequest`` envelope, then in a worker
thread and ONE transaction: authenticates (signature, window, role, rate limit, nonce), decodes
the inner message and runs the action. Any error rolls the whole transaction back, so a refused
request changes nothing. ``after`` runs once the response has been sent (e.g. the account's
recovery job), so its cost never shows in the client's latency.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from google.protobuf.message import Message
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.sdk.api.signing import parse_signed_request
from vouchsafe.server.auth import Caller, authenticate
from vouchsafe.server.context import ServerContext
from vouchsafe.server.http import parse_message, protobuf_response, read_body
from vouchsafe.server.storage import Repos

M = TypeVar("M", bound=Message)
Action = Callable[[ServerContext, Repos, Caller, Any], Message | Response]
After = Callable[[ServerContext, Caller, Any, Any], None]


def signed_route(
    ctx: ServerContext,
    path: str,
    roles: Collection[str],
    request_type: type[M],
    action: Callable[[ServerContext, Repos, Caller, M], Message | Response],
    *,
    after: Callable[[ServerContext, Caller, M, Any], None] | None = None,
    limit: int | None = None,
) -> Route:
    """A POST route at ``path`` for callers with one of ``roles``."""
    body_limit = limit if limit is not None else ctx.settings.max_body_bytes

    async def endpoint(request: Request) -> Response:
        raw = await read_body(request, body_limit)
        envelope = parse_signed_request(raw)

        def in_transaction() -> tuple[Caller, M, Message | Response]:
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
                return caller, inner, action(ctx, tx, caller, inner)

        caller, inner, result = await run_in_threadpool(in_transaction)
        ctx.tallies.count("ok")
        response = result if isinstance(result, Response) else protobuf_response(result)
        if after is not None:
            response.background = BackgroundTask(after, ctx, caller, inner, result)
        return response

    return Route(path, endpoint, methods=["POST"])
