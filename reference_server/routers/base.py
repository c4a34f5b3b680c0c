"""The one way an authenticated endpoint is built: read, verify, act, commit, answer.

``signed_route`` reads the bounded body, decodes the ``SignedRequest`` envelope, then in a worker
thread and ONE transaction: authenticates (signature, window, role, rate limit, nonce), decodes
the inner message and runs the action. Any error rolls the whole transaction back, so a refused
request changes nothing. An action that answers with ``Answer(message, afterwards)`` has
``afterwards`` run once the response has been sent (e.g. the account's recovery job), so its
cost never shows in the client's latency.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Answer:
    """An action's reply ``message`` and work to run once the response has been sent (only
    when the transaction committed; its failure cannot change the answer)."""

    message: Message
    afterwards: Callable[[], None]


Action = Callable[[ServerContext, Repos, Caller, Any], Message | Response | Answer]


def signed_route(
    ctx: ServerContext,
    path: str,
    roles: Collection[str],
    request_type: type[M],
    action: Callable[[ServerContext, Repos, Caller, M], Message | Response | Answer],
    *,
    limit: int | None = None,
) -> Route:
    """A POST route at ``path`` for callers with one of ``roles``."""
    body_limit = limit if limit is not None else ctx.settings.max_body_bytes

    async def endpoint(request: Request) -> Response:
        raw = await read_body(request, body_limit)
        envelope = parse_signed_request(raw)

        def in_transaction() -> Message | Response | Answer:
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

        result = await run_in_threadpool(in_transaction)
        ctx.tallies.count("ok")
        if isinstance(result, Response):
            return result
        if isinstance(result, Answer):
            response = protobuf_response(result.message)
            response.background = BackgroundTask(result.afterwards)
            return response
        return protobuf_response(result)

    return Route(path, endpoint, methods=["POST"])
