"""The server's typed errors and the one table that maps every error code to an HTTP status.

Any :class:`~vouchsafe.sdk.errors.VouchsafeError` whose code is not listed is a library error
raised on bad
input and maps to 400; only an unexpected exception (a bug) yields 500.
"""

from __future__ import annotations

from vouchsafe.sdk.errors import ErrorCode, VouchsafeError


class UnknownKey(VouchsafeError):
    """The request names a key id no account is registered with."""

    code = ErrorCode.UNKNOWN_KEY


class ReplayedRequest(VouchsafeError):
    """The request's nonce was already accepted for this key."""

    code = ErrorCode.REPLAYED_REQUEST


class Forbidden(VouchsafeError):
    """The caller's role may not use this endpoint."""

    code = ErrorCode.FORBIDDEN


class WrongAccount(VouchsafeError):
    """The request acts on an account other than the signer's."""

    code = ErrorCode.WRONG_ACCOUNT


class AccountSuspended(VouchsafeError):
    """The signer's account is suspended; it may still read notifications and appeal."""

    code = ErrorCode.ACCOUNT_SUSPENDED


class NotFound(VouchsafeError):
    """The named object does not exist (or is not the caller's to see)."""

    code = ErrorCode.NOT_FOUND


class Conflict(VouchsafeError):
    """The request contradicts what is stored (e.g. a reused id with other content)."""

    code = ErrorCode.CONFLICT


class PayloadTooLarge(VouchsafeError):
    """The request body exceeds the endpoint's limit."""

    code = ErrorCode.PAYLOAD_TOO_LARGE


class UnsupportedMediaType(VouchsafeError):
    """The request body is not ``application/x-protobuf``."""

    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class RateLimited(VouchsafeError):
    """The account, or for unsigned requests the client address, sent more than allowed."""

    code = ErrorCode.RATE_LIMITED


class InvalidArgument(VouchsafeError):
    """A field of a well-formed request has a value the server cannot accept."""

    code = ErrorCode.INVALID_ARGUMENT


class RequestTimeout(VouchsafeError):
    """The request (its headers or its body) did not arrive within the server's deadline."""

    code = ErrorCode.REQUEST_TIMEOUT


class ServerBusy(VouchsafeError):
    """The server has as many connections open as it takes (in all, or from this address)."""

    code = ErrorCode.SERVER_BUSY


class NotReady(VouchsafeError):
    """The server cannot take this request yet (e.g. no hash set is loaded)."""

    code = ErrorCode.NOT_READY


class DerivativeNotViewed(VouchsafeError):
    """A reviewer tried to confirm an item whose visual derivative they never revealed."""

    code = ErrorCode.DERIVATIVE_NOT_VIEWED


STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.MALFORMED_REQUEST: 400,
    ErrorCode.INVALID_ARGUMENT: 400,
    ErrorCode.UNSIGNED_REQUEST: 401,
    ErrorCode.INVALID_SIGNATURE: 401,
    ErrorCode.STALE_REQUEST: 401,
    ErrorCode.UNKNOWN_KEY: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.WRONG_ACCOUNT: 403,
    ErrorCode.ACCOUNT_SUSPENDED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.REQUEST_TIMEOUT: 408,
    ErrorCode.CONFLICT: 409,
    ErrorCode.DERIVATIVE_NOT_VIEWED: 409,
    ErrorCode.REPLAYED_REQUEST: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.NOT_READY: 503,
    # Answered by the connection layer (serving.py) before any request is read.
    ErrorCode.SERVER_BUSY: 503,
}

DEFAULT_LIBRARY_ERROR_STATUS = 400


def status_for(code: ErrorCode) -> int:
    """The HTTP status for an error code (library errors on bad input default to 400)."""
    return STATUS_BY_CODE.get(code, DEFAULT_LIBRARY_ERROR_STATUS)
