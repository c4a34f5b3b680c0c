"""The one strict decoder of the project: canonical protobuf encoding and exact lengths.

Every place the device or the server parses bytes it received (tPSI messages in
``sdk/tpsi/wire.py``, releases in ``sdk/release_checks.py``, signed requests in
``sdk/api/signing.py``, request bodies in ``reference_server/http.py``) decodes through
:func:`decode_canonical`: the bytes must parse, hold no unknown fields, and re-encode to exactly
themselves (no repeated or trailing fields, no non-canonical varints, nothing truncated).
Points are checked by the one group primitive (``vouchsafe.sdk.crypto.group.Element.from_bytes``
/ ``is_valid_encoding``). Failures are one error family: :class:`MalformedMessageError` and its
subclasses (``ReleaseMalformed``, ``MalformedRequest``), :class:`InvalidLengthError` for lengths.
"""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from vouchsafe.sdk.errors import InvalidLengthError, MalformedMessageError

M = TypeVar("M", bound=Message)


def decode_canonical(
    message_type: type[M],
    data: bytes,
    *,
    field: str | None,
    what: str | None = None,
    error: type[MalformedMessageError] = MalformedMessageError,
) -> M:
    """``data`` decoded as ``message_type``; raises ``error`` naming ``field`` unless it is the
    canonical encoding of such a message. ``what`` names the message in the error text."""
    name = what or message_type.DESCRIPTOR.name
    if not isinstance(data, bytes | bytearray | memoryview):
        raise error(f"{name} must be bytes", field=field)
    data = bytes(data)
    message = message_type()
    try:
        message.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError):  # protobuf raises more than DecodeError
        raise error(f"{name} is not a valid protobuf encoding", field=field) from None
    message.DiscardUnknownFields()
    if message.SerializeToString(deterministic=True) != data:
        raise error(
            f"{name} is not the canonical encoding (unknown, repeated or trailing fields)",
            field=field,
        )
    return message


def check_length(value: bytes, length: int, field: str) -> bytes:
    """``value`` if it is exactly ``length`` bytes; else InvalidLengthError naming ``field``."""
    if len(value) != length:
        raise InvalidLengthError(f"{field} must be {length} bytes, got {len(value)}", field=field)
    return value
