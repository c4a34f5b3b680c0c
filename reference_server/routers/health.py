"""Health, readiness and the provider's public identity (JSON)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vouchsafe.server.context import ServerContext


def routes(ctx: ServerContext) -> list[Route]:
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    def _storage_ok() -> bool:
        with ctx.storage.transaction() as tx:
            tx.audit.last()
        return True

    async def ready(request: Request) -> Response:
        await run_in_threadpool(_storage_ok)
        ready = ctx.matcher is not None
        body = {"ready": ready, "storage": "ok", "hash_set_loaded": ready}
        return JSONResponse(body, status_code=200 if ready else 503)

    async def provider(request: Request) -> Response:
        return JSONResponse(
            {
                "provider": ctx.settings.provider_name,
                "provider_key_id": ctx.provider_key.key_id,
                "provider_public_key": ctx.provider_key.public_key.hex(),
                "match_threshold": ctx.matcher.threshold if ctx.matcher is not None else None,
                "release_id": ctx.matcher.release_id if ctx.matcher is not None else None,
            }
        )

    return [
        Route("/healthz", health, methods=["GET"]),
        Route("/v1/health", health, methods=["GET"]),
        Route("/readyz", ready, methods=["GET"]),
        Route("/v1/ready", ready, methods=["GET"]),
        Route("/v1/provider", provider, methods=["GET"]),
    ]
