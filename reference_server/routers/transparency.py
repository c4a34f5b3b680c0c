"""Transparency figures as JSON, public (the HTML page is the console's ``/transparency``)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.http import MAX_TIMESTAMP_MS, query_ints
from vouchsafe.server.pipeline.transparency import transparency_figures

DEFAULT_PERIOD_MS = 365 * 86_400_000


def _period(ctx: ServerContext, request: Request) -> tuple[int, int]:
    """``[from_ms, to_ms)`` from the query (ms since the epoch); the past year by default."""
    given = query_ints(request, ("from_ms", "to_ms"), MAX_TIMESTAMP_MS)
    to_ms = given.get("to_ms", min(ctx.clock() + 1, MAX_TIMESTAMP_MS))
    from_ms = given.get("from_ms", max(0, to_ms - DEFAULT_PERIOD_MS))
    if from_ms >= to_ms:
        raise InvalidArgument("the period must have from_ms < to_ms", field="from_ms")
    return from_ms, to_ms


def routes(ctx: ServerContext) -> list[Route]:
    async def as_json(request: Request) -> Response:
        from_ms, to_ms = _period(ctx, request)
        return JSONResponse(await run_in_threadpool(transparency_figures, ctx, from_ms, to_ms))

    async def as_html(request: Request) -> Response:
        return RedirectResponse("/transparency", status_code=301)

    return [
        Route("/v1/transparency", as_json, methods=["GET"]),
        Route("/v1/transparency.html", as_html, methods=["GET"]),
    ]
