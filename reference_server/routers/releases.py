"""Releases: the public part of the current release folder (hash-set lifecycle), as files.

``GET /v1/releases/current`` is ``release.pb`` (vouchsafe.v1.Release); ``.../root``,
``.../key`` and ``.../summary`` are ``release.root``, ``release_key.pub`` and ``release.json``.
``GET /v1/releases/deltas/{base_digest_hex}`` is a ``ReleaseDelta`` from that earlier release
of the chain to the current one (``--previous-release-dir``). The private server bundle
(``DIR/server/``) is never served.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import NotFound

PUBLIC_FILES = {
    "current": ("release.pb", "application/x-protobuf"),
    "root": ("release.root", "text/plain"),
    "key": ("release_key.pub", "text/plain"),
    "summary": ("release.json", "application/json"),
}


def routes(ctx: ServerContext) -> list[Route]:
    def _serve(relative: str, media_type: str) -> Response:
        directory = ctx.settings.release_dir
        if directory is None or not (directory / relative).is_file():
            raise NotFound("no release is published here")
        return Response((directory / relative).read_bytes(), media_type=media_type)

    async def current(request: Request) -> Response:
        part = request.path_params.get("part", "current")
        if part not in PUBLIC_FILES:
            raise NotFound("unknown release part", field="part")
        return _serve(*PUBLIC_FILES[part])

    async def delta(request: Request) -> Response:
        base = request.path_params["base"].lower()
        if base not in ctx.release_deltas:
            raise NotFound("no delta from that release; fetch the full release", field="base")
        return Response(ctx.release_deltas[base], media_type="application/x-protobuf")

    return [
        Route("/v1/releases/current", current, methods=["GET"]),
        Route("/v1/releases/current/{part}", current, methods=["GET"]),
        Route("/v1/releases/deltas/{base}", delta, methods=["GET"]),
    ]
