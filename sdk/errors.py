"""One error tree and one error-code enum for the whole project, mirroring ``protocol/SPEC.md``.

Every error the library raises on bad input derives from :class:`VouchsafeError`, carries a
stable machine-readable ``code`` (an :class:`ErrorCode`) and a message that says what is wrong,
and names the offending public ``field`` where there is one. Verification failures never carry
secret detail. The server's ``Error.code`` (``protocol/common.proto``) is always an
:class:`ErrorCode` value; SPEC.md A.4 lists every code the server can send, with its HTTP status
(``tests/sdk/test_error_codes.py`` checks both ways).
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class ErrorCode(StrEnum):
    """Every error code of the project: server, SDK, API client, messenger and lab."""

    VOUCHSAFE_ERROR = "vouchsafe_error"
    # provider API (SPEC.md A.4)
    MALFORMED_REQUEST = "malformed_request"
    INVALID_ARGUMENT = "invalid_argument"
    UNSIGNED_REQUEST = "unsigned_request"
    INVALID_SIGNATURE = "invalid_signature"
    STALE_REQUEST = "stale_request"
    UNKNOWN_KEY = "unknown_key"
    FORBIDDEN = "forbidden"
    WRONG_ACCOUNT = "wrong_account"
    ACCOUNT_SUSPENDED = "account_suspended"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    DERIVATIVE_NOT_VIEWED = "derivative_not_viewed"
    REPLAYED_REQUEST = "replayed_request"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    NOT_READY = "not_ready"
    REQUEST_TIMEOUT = "request_timeout"
    SERVER_BUSY = "server_busy"
    # tPSI-AD core and media (SPEC.md section 14)
    CRYPTO_BACKEND_MISSING = "crypto_backend_missing"
    MALFORMED_MESSAGE = "malformed_message"
    UNSUPPORTED_CIPHERSUITE = "unsupported_ciphersuite"
    INVALID_LENGTH = "invalid_length"
    INVALID_POINT = "invalid_point"
    INVALID_SCALAR = "invalid_scalar"
    INVALID_PARAMETER = "invalid_parameter"
    HASH_SET_REJECTED = "hash_set_rejected"
    PARAMS_MISMATCH = "params_mismatch"
    MALFORMED_VOUCHER = "malformed_voucher"
    INCONSISTENT_SHARES = "inconsistent_shares"
    DECRYPTION_FAILED = "decryption_failed"
    INVALID_MEDIA = "invalid_media"
    # releases (SPEC.md R.9)
    RELEASE_ERROR = "release_error"
    RELEASE_MALFORMED = "release_malformed"
    RELEASE_UNSUPPORTED = "release_unsupported"
    RELEASE_SIGNATURE_INVALID = "release_signature_invalid"
    RELEASE_ROLLBACK = "release_rollback"
    RELEASE_EQUIVOCATION = "release_equivocation"
    RELEASE_CHAIN_BROKEN = "release_chain_broken"
    RELEASE_EXPIRED = "release_expired"
    RELEASE_ROOT_MISMATCH = "release_root_mismatch"
    RELEASE_TABLE_MISMATCH = "release_table_mismatch"
    RELEASE_INVALID_ELEMENT = "release_invalid_element"
    RELEASE_IDENTITY_ELEMENT = "release_identity_element"
    RELEASE_DUPLICATE_ELEMENT = "release_duplicate_element"
    RELEASE_PARAMS_MISMATCH = "release_params_mismatch"
    RELEASE_POLICY_REFUSED = "release_policy_refused"
    RELEASE_DELTA_BASE_MISMATCH = "release_delta_base_mismatch"
    NO_RELEASE_HELD = "no_release_held"
    # provider signatures, hash sets and server internals
    INVALID_PROVIDER_SIGNATURE = "invalid_provider_signature"
    HASHSET_ERROR = "hashset_error"
    SOURCE_LIST_INVALID = "source_list_invalid"
    SOURCE_LIST_SIGNATURE_INVALID = "source_list_signature_invalid"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    BUNDLE_INVALID = "bundle_invalid"
    AUDIT_FAILED = "audit_failed"
    VOUCHER_RELEASE_UNKNOWN = "voucher_release_unknown"
    VOUCHER_RELEASE_EXPIRED = "voucher_release_expired"
    STORAGE_ERROR = "storage_error"
    # API client (never sent by the server)
    SERVER_UNREACHABLE = "server_unreachable"
    SERVER_REJECTED = "server_rejected"
    MALFORMED_RESPONSE = "malformed_response"
    # messenger (never sent by the server)
    MESSENGER_ERROR = "messenger_error"
    PROFILE_ERROR = "profile_error"
    MESSAGE_UNDECRYPTABLE = "message_undecryptable"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_RECIPIENT = "unknown_recipient"
    UNREADABLE_FILE = "unreadable_file"
    IDENTITY_KEY_CHANGED = "identity_key_changed"
    # lab (never sent by the server)
    INVALID_SCENARIO = "invalid_scenario"
    ATTESTATION_REJECTED = "attestation_rejected"


# Codes only the client side raises: the server never sends them (SPEC.md A.4 omits them).
CLIENT_ONLY_CODES: frozenset[ErrorCode] = frozenset(
    {
        ErrorCode.SERVER_UNREACHABLE,
        ErrorCode.SERVER_REJECTED,
        ErrorCode.MALFORMED_RESPONSE,
        ErrorCode.MESSENGER_ERROR,
        ErrorCode.PROFILE_ERROR,
        ErrorCode.MESSAGE_UNDECRYPTABLE,
        ErrorCode.BAD_SIGNATURE,
        ErrorCode.UNKNOWN_RECIPIENT,
        ErrorCode.UNREADABLE_FILE,
        ErrorCode.IDENTITY_KEY_CHANGED,
        ErrorCode.INVALID_SCENARIO,
        ErrorCode.ATTESTATION_REJECTED,
    }
)
# Server refusals after which the same request may succeed later (the client retries them).
RETRYABLE_CODES: frozenset[ErrorCode] = frozenset(
    {
        ErrorCode.RATE_LIMITED,
        ErrorCode.NOT_READY,
        ErrorCode.INTERNAL_ERROR,
        ErrorCode.REQUEST_TIMEOUT,
        ErrorCode.SERVER_BUSY,
    }
)


def known_code(code: str) -> ErrorCode | None:
    """``code`` as an :class:`ErrorCode`, or None if this SDK does not know it."""
    try:
        return ErrorCode(code)
    except ValueError:
        return None


class VouchsafeError(Exception):
    """Base class of every error the library raises on purpose."""

    code: ClassVar[ErrorCode] = ErrorCode.VOUCHSAFE_ERROR

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field:
            return f"{self.message} (field: {self.field})"
        return self.message


# --- protocol core (tPSI-AD, issue 3); codes are listed in protocol/SPEC.md "Errors" ---


class CryptoBackendMissingError(VouchsafeError, ImportError):
    """The system libsodium (>= 1.0.18, with ristretto255) could not be loaded."""

    code = ErrorCode.CRYPTO_BACKEND_MISSING


class MalformedMessageError(VouchsafeError):
    """Bytes that are not the canonical protobuf encoding of the expected message
    (truncated, trailing or unknown fields, non-canonical encoding)."""

    code = ErrorCode.MALFORMED_MESSAGE


class UnsupportedCiphersuiteError(VouchsafeError):
    """A message names a ciphersuite or format version this library does not implement."""

    code = ErrorCode.UNSUPPORTED_CIPHERSUITE


class InvalidLengthError(VouchsafeError):
    """A field has the wrong length (or exceeds the configured maximum)."""

    code = ErrorCode.INVALID_LENGTH


class InvalidPointError(VouchsafeError):
    """A group element is not the canonical encoding of a non-identity ristretto255 element."""

    code = ErrorCode.INVALID_POINT


class InvalidScalarError(VouchsafeError):
    """A scalar or field element is not canonical (not reduced) or is zero where forbidden."""

    code = ErrorCode.INVALID_SCALAR


class InvalidParameterError(VouchsafeError):
    """A parameter is outside the range the specification allows."""

    code = ErrorCode.INVALID_PARAMETER


class HashSetRejectedError(VouchsafeError):
    """The client refuses a blinded hash set (identity, repeated or invalid elements,
    digest mismatch) or the server could not build one."""

    code = ErrorCode.HASH_SET_REJECTED


class ParamsMismatchError(VouchsafeError):
    """A voucher or opened voucher was made for other server parameters (another release)."""

    code = ErrorCode.PARAMS_MISMATCH


class MalformedVoucherError(VouchsafeError):
    """A voucher opened, but its inner layer does not follow the specification (a
    misbehaving client). Carries no secret detail."""

    code = ErrorCode.MALFORMED_VOUCHER


class InconsistentSharesError(VouchsafeError):
    """Opened vouchers given to one recovery disagree on the account's threshold."""

    code = ErrorCode.INCONSISTENT_SHARES


class DecryptionError(VouchsafeError):
    """Authenticated decryption failed. Carries no secret detail."""

    code = ErrorCode.DECRYPTION_FAILED


class InvalidMedia(VouchsafeError):
    """A media item could not be decoded safely: unsupported format, truncated or corrupt file,
    zero-size image, or one over the pixel-count or file-size limit (decompression bombs)."""

    code = ErrorCode.INVALID_MEDIA

    def __init__(self, message: str, *, field: str | None = "media") -> None:
        super().__init__(message, field=field)


# --- Releases (protocol/SPEC.md, section "Releases"): why a device refuses a release. ---
# A refused release never replaces the release in use.


class ReleaseError(VouchsafeError):
    """A release (or release delta) was refused; the release in use stays in use."""

    code = ErrorCode.RELEASE_ERROR


class ReleaseMalformed(ReleaseError, MalformedMessageError):
    """The bytes are not a well-formed release: bad protobuf, wrong lengths, missing fields."""

    code = ErrorCode.RELEASE_MALFORMED


class ReleaseUnsupported(ReleaseError):
    """Format version, ciphersuite or signature scheme is not one this SDK speaks."""

    code = ErrorCode.RELEASE_UNSUPPORTED


class ReleaseSignatureInvalid(ReleaseError):
    """The release signature does not verify against the pinned release key."""

    code = ErrorCode.RELEASE_SIGNATURE_INVALID


class ReleaseRollback(ReleaseError):
    """The release is older than the release in use."""

    code = ErrorCode.RELEASE_ROLLBACK


class ReleaseEquivocation(ReleaseError):
    """Same version number as the release in use, but different content."""

    code = ErrorCode.RELEASE_EQUIVOCATION


class ReleaseChainBroken(ReleaseError):
    """The direct successor of the release in use does not name it as its predecessor."""

    code = ErrorCode.RELEASE_CHAIN_BROKEN


class ReleaseExpired(ReleaseError):
    """The release's expiry time has passed."""

    code = ErrorCode.RELEASE_EXPIRED


class ReleaseRootMismatch(ReleaseError):
    """The release's root commitment is not the published root the device was given."""

    code = ErrorCode.RELEASE_ROOT_MISMATCH


class ReleaseTableMismatch(ReleaseError):
    """The table does not hash to the signed root commitment (or has the wrong size)."""

    code = ErrorCode.RELEASE_TABLE_MISMATCH


class ReleaseInvalidElement(ReleaseError):
    """A table slot is not the canonical encoding of a ristretto255 element."""

    code = ErrorCode.RELEASE_INVALID_ELEMENT


class ReleaseIdentityElement(ReleaseError):
    """A table slot holds the identity element."""

    code = ErrorCode.RELEASE_IDENTITY_ELEMENT


class ReleaseDuplicateElement(ReleaseError):
    """Two table slots hold the same element."""

    code = ErrorCode.RELEASE_DUPLICATE_ELEMENT


class ReleaseParamsMismatch(ReleaseError):
    """The release's protocol parameters do not decode or do not describe its table."""

    code = ErrorCode.RELEASE_PARAMS_MISMATCH


class ReleasePolicyRefused(ReleaseError):
    """The release's protocol parameters are outside the policy the device pins (for example
    fewer synthetic shares than the pinned minimum, which would weaken below-threshold hiding)."""

    code = ErrorCode.RELEASE_POLICY_REFUSED


class ReleaseDeltaBaseMismatch(ReleaseError):
    """A release delta does not apply to the release in use."""

    code = ErrorCode.RELEASE_DELTA_BASE_MISMATCH


class NoReleaseHeld(ReleaseError):
    """The device holds no release yet (nothing to apply a delta to, nothing to match against)."""

    code = ErrorCode.NO_RELEASE_HELD


# --- The provider API (SPEC.md "Provider API"): signed requests, provider signatures, and what
# the API client (vouchsafe.sdk.api) raises for refusals and transport failures. ---


class MalformedRequest(MalformedMessageError):
    """The request body is not a well-formed message of the expected type."""

    code = ErrorCode.MALFORMED_REQUEST


class UnsignedRequest(VouchsafeError):
    """The request carries no signature envelope, or its envelope misses a required part."""

    code = ErrorCode.UNSIGNED_REQUEST


class InvalidRequestSignature(VouchsafeError):
    """The signature does not verify under the key the request names."""

    code = ErrorCode.INVALID_SIGNATURE


class StaleRequest(VouchsafeError):
    """The request's timestamp lies outside the accepted window."""

    code = ErrorCode.STALE_REQUEST


class ProviderSignatureError(VouchsafeError):
    """A provider signature (receipt, report, checkpoint) does not verify, or a receipt does not
    describe the voucher that was uploaded."""

    code = ErrorCode.INVALID_PROVIDER_SIGNATURE


class ServerUnreachable(VouchsafeError):
    """The server did not answer (connection refused, timeout, broken connection).

    ``maybe_delivered`` is True when the request may have reached the server before the
    connection failed (a timeout after sending), False when it certainly did not (refused).
    """

    code = ErrorCode.SERVER_UNREACHABLE

    def __init__(
        self, message: str, *, field: str | None = None, maybe_delivered: bool = False
    ) -> None:
        super().__init__(message, field=field)
        self.maybe_delivered = maybe_delivered


class ServerRejected(VouchsafeError):
    """The server refused the request with an ``Error`` body.

    ``server_code`` is the server's code (an :class:`ErrorCode`; a code this SDK does not know
    stays a plain string), ``status`` the HTTP status, ``field`` the field the server named.
    """

    code = ErrorCode.SERVER_REJECTED

    def __init__(
        self, message: str, *, server_code: str, status: int = 0, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.server_code: ErrorCode | str = known_code(server_code) or server_code
        self.status = status

    @property
    def retryable(self) -> bool:
        """True if the same request may succeed later (:data:`RETRYABLE_CODES`)."""
        return self.server_code in RETRYABLE_CODES


class MalformedResponse(VouchsafeError):
    """The server answered 200 with a body that is not what the endpoint returns."""

    code = ErrorCode.MALFORMED_RESPONSE
