"""One error tree for the whole SDK, mirroring the error list in ``protocol/SPEC.md``.

Every error the library raises on bad input derives from :class:`VouchsafeError`, carries a
stable machine-readable ``code`` and a message that says what is wrong, and names the offending
public ``field`` where there is one. Verification failures never carry secret detail.
"""

from __future__ import annotations


class VouchsafeError(Exception):
    """Base class of every error the library raises on purpose."""

    code: str = "vouchsafe_error"

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

    code = "crypto_backend_missing"


class MalformedMessageError(VouchsafeError):
    """Bytes that are not the canonical protobuf encoding of the expected message
    (truncated, trailing or unknown fields, non-canonical encoding)."""

    code = "malformed_message"


class UnsupportedCiphersuiteError(VouchsafeError):
    """A message names a ciphersuite or format version this library does not implement."""

    code = "unsupported_ciphersuite"


class InvalidLengthError(VouchsafeError):
    """A field has the wrong length (or exceeds the configured maximum)."""

    code = "invalid_length"


class InvalidPointError(VouchsafeError):
    """A group element is not the canonical encoding of a non-identity ristretto255 element."""

    code = "invalid_point"


class InvalidScalarError(VouchsafeError):
    """A scalar or field element is not canonical (not reduced) or is zero where forbidden."""

    code = "invalid_scalar"


class InvalidParameterError(VouchsafeError):
    """A parameter is outside the range the specification allows."""

    code = "invalid_parameter"


class HashSetRejectedError(VouchsafeError):
    """The client refuses a blinded hash set (identity, repeated or invalid elements,
    digest mismatch) or the server could not build one."""

    code = "hash_set_rejected"


class ParamsMismatchError(VouchsafeError):
    """A voucher or opened voucher was made for other server parameters (another release)."""

    code = "params_mismatch"


class MalformedVoucherError(VouchsafeError):
    """A voucher opened, but its inner layer does not follow the specification (a
    misbehaving client). Carries no secret detail."""

    code = "malformed_voucher"


class InconsistentSharesError(VouchsafeError):
    """Opened vouchers given to one recovery disagree on the account's threshold."""

    code = "inconsistent_shares"


class DecryptionError(VouchsafeError):
    """Authenticated decryption failed. Carries no secret detail."""

    code = "decryption_failed"
