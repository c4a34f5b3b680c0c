"""Transparency figures as JSON, public (the HTML page is the console's ``/transparency``)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.pipeline.transparency import transparency_figures

DEFAULT_PERIOD_MS = 365 * 86_400_000


def _period(ctx: ServerContext, request: Request) -> tuple[int, int]:
    try:
        to_ms = int(request.query_params.get("to_ms", ctx.clock() + 1))
        from_ms = int(request.query_params.get("from_ms", to_ms - DEFAULT_PERIOD_MS))
    except ValueError:
        raise InvalidArgument("from_ms and to_ms are integers (ms since epoch)") from None
    if from_ms >= to_ms or from_ms < 0:
        raise InvalidArgument("the period must have from_ms < to_ms", field="from_ms")
    return from_ms, to_ms


def routes(ctx: ServerContext) -> list[Route]:
    async def as_json(request: Request) -> Response:
        from_ms, to_ms = _period(ctx, request)
        await run_in_threadpool(ctx.tallies.flush, ctx.storage)
        return JSONResponse(await run_in_threadpool(transparency_figures, ctx, from_ms, to_ms))

    async def as_html(request: Request) -> Response:
        return RedirectResponse("/transparency", status_code=301)

    return [
        Route("/v1/transparency", as_json, methods=["GET"]),
        Route("/v1/transparency.html", as_html, methods=["GET"]),
    ]
