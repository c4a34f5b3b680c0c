"""The server's typed errors and the one table that maps every error code to an HTTP status.

Any :class:`~vouchsafe.sdk.errors.VouchsafeError` whose code is not listed is a library error
raised on bad
input and maps to 400; only an unexpected exception (a bug) yields 500.
"""

from __future__ import annotations

from vouchsafe.sdk.errors import VouchsafeError


class UnknownKey(VouchsafeError):
    """The request names a key id no account is registered with."""

    code = "unknown_key"


class ReplayedRequest(VouchsafeError):
    """The request's nonce was already accepted for this key."""

    code = "replayed_request"


class Forbidden(VouchsafeError):
    """The caller's role may not use this endpoint."""

    code = "forbidden"


class WrongAccount(VouchsafeError):
    """The request acts on an account other than the signer's."""

    code = "wrong_account"


class AccountSuspended(VouchsafeError):
    """The signer's account is suspended; it may still read notifications and appeal."""

    code = "account_suspended"


class NotFound(VouchsafeError):
    """The named object does not exist (or is not the caller's to see)."""

    code = "not_found"


class Conflict(VouchsafeError):
    """The request contradicts what is stored (e.g. a reused id with other content)."""

    code = "conflict"


class PayloadTooLarge(VouchsafeError):
    """The request body exceeds the endpoint's limit."""

    code = "payload_too_large"


class UnsupportedMediaType(VouchsafeError):
    """The request body is not ``application/x-protobuf``."""

    code = "unsupported_media_type"


class RateLimited(VouchsafeError):
    """The account sent more requests than its rate limit allows."""

    code = "rate_limited"


class InvalidArgument(VouchsafeError):
    """A field of a well-formed request has a value the server cannot accept."""

    code = "invalid_argument"


class NotReady(VouchsafeError):
    """The server cannot take this request yet (e.g. no hash set is loaded)."""

    code = "not_ready"


class DerivativeNotViewed(VouchsafeError):
    """A reviewer tried to confirm an item whose visual derivative they never revealed."""

    code = "derivative_not_viewed"


STATUS_BY_CODE: dict[str, int] = {
    "malformed_request": 400,
    "invalid_argument": 400,
    "unsigned_request": 401,
    "invalid_signature": 401,
    "stale_request": 401,
    "unknown_key": 401,
    "forbidden": 403,
    "wrong_account": 403,
    "account_suspended": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "derivative_not_viewed": 409,
    "replayed_request": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "internal_error": 500,
    "not_ready": 503,
}

DEFAULT_LIBRARY_ERROR_STATUS = 400


def status_for(code: str) -> int:
    """The HTTP status for an error code (library errors on bad input default to 400)."""
    return STATUS_BY_CODE.get(code, DEFAULT_LIBRARY_ERROR_STATUS)
