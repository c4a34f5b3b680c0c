"""HTTP plumbing shared by the routers: bounded body reading, protobuf in and out, errors."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from google.protobuf.message import Message
from starlette.requests import Request
from starlette.responses import Response

from vouchsafe.protocol import common_pb2
from vouchsafe.sdk.decoding import decode_canonical
from vouchsafe.sdk.errors import ErrorCode, MalformedRequest, VouchsafeError
from vouchsafe.server.errors import (
    InvalidArgument,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    status_for,
)

PROTOBUF = "application/x-protobuf"
M = TypeVar("M", bound=Message)
# The largest integer every storage backend holds (SQL BIGINT): sequence numbers and cursors.
MAX_STORED_INT = 2**63 - 1
# 9999-12-31T00:00:00Z: a period may end here and still have its last day named by a date.
MAX_TIMESTAMP_MS = 253_402_214_400_000
_MAX_QUERY_DIGITS = 20


def at_most(value: int, maximum: int, field: str) -> int:
    """``value`` when it is ``<= maximum``; InvalidArgument naming ``field`` otherwise."""
    if value > maximum:
        raise InvalidArgument(f"{field} is at most {maximum}", field=field)
    return value


def query_ints(request: Request, names: tuple[str, ...], maximum: int) -> dict[str, int]:
    """The query parameters given among ``names``, as integers in ``[0, maximum]``.

    Only ASCII digits are accepted (no sign, no underscore, no other script's digits); an unknown
    or repeated parameter is refused, so a typo never silently falls back to a default.
    """
    unknown = sorted(set(request.query_params.keys()) - set(names))
    if unknown:
        raise InvalidArgument(f"unknown query parameter {unknown[0]!r}", field=unknown[0])
    values: dict[str, int] = {}
    for name in names:
        given = request.query_params.getlist(name)
        if not given:
            continue
        if len(given) > 1:
            raise InvalidArgument(f"{name} is given more than once", field=name)
        text = given[0]
        if not (0 < len(text) <= _MAX_QUERY_DIGITS and text.isascii() and text.isdigit()):
            raise InvalidArgument(f"{name} must be a non-negative integer", field=name)
        values[name] = at_most(int(text), maximum, name)
    return values


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes without reading them all."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        except ValueError:
            raise MalformedRequest("Content-Length is not a number") from None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != PROTOBUF:
        raise UnsupportedMediaType(f"send the body as {PROTOBUF}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_message(message_type: type[M], data: bytes, field: str = "body") -> M:
    """Decodes ``data`` as ``message_type`` with the one strict decoder (canonical encoding,
    no unknown fields); MalformedRequest naming ``field`` when it is not one. A string field
    holding a NUL character is refused (InvalidArgument naming it): no text the server keeps
    may contain one (PostgreSQL cannot store it), on every database alike."""
    message = decode_canonical(message_type, data, field=field, error=MalformedRequest)
    version = getattr(message, "version", 1)
    if version not in (0, 1):
        raise MalformedRequest(
            f"unsupported {message_type.DESCRIPTOR.name} version", field="version"
        )
    refuse_nul_text(message)
    return message


def _refuse_nul(name: str, value: object) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise InvalidArgument(f"{name} must not contain NUL characters", field=name)
    if isinstance(value, Message):
        refuse_nul_text(value)


def refuse_nul_text(message: Message) -> None:
    """InvalidArgument when any string in ``message`` (nested messages, repeated fields and
    maps included) contains a NUL character."""
    for descriptor, value in message.ListFields():
        name = descriptor.name
        entry = descriptor.message_type
        if entry is not None and entry.GetOptions().map_entry:
            for key in value:
                _refuse_nul(name, key)
                _refuse_nul(name, value[key])
        elif descriptor.is_repeated:
            for item in value:
                _refuse_nul(name, item)
        else:
            _refuse_nul(name, value)


def protobuf_response(message: Message, status: int = 200) -> Response:
    """A protobuf response body."""
    return Response(message.SerializeToString(deterministic=True), status, media_type=PROTOBUF)


def error_response(code: ErrorCode, message: str, field: str | None = None) -> Response:
    """The one error body: ``vouchsafe.v1.Error`` with the status mapped from ``code``.

    ``code`` is always an :class:`ErrorCode` (SPEC.md A.4), whatever raised it.
    """
    code = ErrorCode(code)
    body = common_pb2.Error(code=code, message=message, field=field or "")
    return protobuf_response(body, status_for(code))


def vouchsafe_error_response(exc: VouchsafeError) -> Response:
    """Maps a typed library or server error to its response."""
    return error_response(exc.code, exc.message, exc.field)


ASGIApp = Any


class BodyDeadline:
    """ASGI middleware: a request's body must arrive within ``timeout_s`` of its start.

    Every ``receive()`` while the body is incomplete waits at most until the deadline, then
    raises RequestTimeout (408, answered with ``connection: close``), so a client that announces
    1,000 bytes and sends 10 cannot hold a connection and a worker forever. Once the body is
    complete, ``receive()`` (a disconnect listener) is not bounded. ``timeout_s <= 0``: off.
    """

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.timeout_s <= 0:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        body_done = False
        timed_out = False

        async def bounded_receive() -> Any:
            nonlocal body_done, timed_out
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                timed_out = True
                raise RequestTimeout(
                    f"the request body did not arrive within {self.timeout_s:g} s"
                ) from None
            if message.get("type") != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def closing_send(message: Any) -> None:
            if timed_out and message.get("type") == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, bounded_receive, closing_send)
