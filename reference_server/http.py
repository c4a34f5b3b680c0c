"""HTTP plumbing shared by the routers: bounded body reading, protobuf in and out, errors."""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import Message
from starlette.requests import Request
from starlette.responses import Response

from vouchsafe.protocol import common_pb2
from vouchsafe.sdk.decoding import decode_canonical
from vouchsafe.sdk.errors import ErrorCode, MalformedRequest, VouchsafeError
from vouchsafe.server.errors import PayloadTooLarge, UnsupportedMediaType, status_for

PROTOBUF = "application/x-protobuf"
M = TypeVar("M", bound=Message)


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
    no unknown fields); MalformedRequest naming ``field`` when it is not one."""
    message = decode_canonical(message_type, data, field=field, error=MalformedRequest)
    version = getattr(message, "version", 1)
    if version not in (0, 1):
        raise MalformedRequest(
            f"unsupported {message_type.DESCRIPTOR.name} version", field="version"
        )
    return message


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
