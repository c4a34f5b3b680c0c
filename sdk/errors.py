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


class InvalidMedia(VouchsafeError):
    """A media item could not be decoded safely: unsupported format, truncated or corrupt file,
    zero-size image, or one over the pixel-count or file-size limit (decompression bombs)."""

    code = "invalid_media"

    def __init__(self, message: str, *, field: str | None = "media") -> None:
        super().__init__(message, field=field)


# --- Releases (protocol/SPEC.md, section "Releases"): why a device refuses a release. ---
# A refused release never replaces the release in use.


class ReleaseError(VouchsafeError):
    """A release (or release delta) was refused; the release in use stays in use."""

    code = "release_error"


class ReleaseMalformed(ReleaseError):
    """The bytes are not a well-formed release: bad protobuf, wrong lengths, missing fields."""

    code = "release_malformed"


class ReleaseUnsupported(ReleaseError):
    """Format version, ciphersuite or signature scheme is not one this SDK speaks."""

    code = "release_unsupported"


class ReleaseSignatureInvalid(ReleaseError):
    """The release signature does not verify against the pinned release key."""

    code = "release_signature_invalid"


class ReleaseRollback(ReleaseError):
    """The release is older than the release in use."""

    code = "release_rollback"


class ReleaseEquivocation(ReleaseError):
    """Same version number as the release in use, but different content."""

    code = "release_equivocation"


class ReleaseChainBroken(ReleaseError):
    """The direct successor of the release in use does not name it as its predecessor."""

    code = "release_chain_broken"


class ReleaseExpired(ReleaseError):
    """The release's expiry time has passed."""

    code = "release_expired"


class ReleaseRootMismatch(ReleaseError):
    """The release's root commitment is not the published root the device was given."""

    code = "release_root_mismatch"


class ReleaseTableMismatch(ReleaseError):
    """The table does not hash to the signed root commitment (or has the wrong size)."""

    code = "release_table_mismatch"


class ReleaseInvalidElement(ReleaseError):
    """A table slot is not the canonical encoding of a ristretto255 element."""

    code = "release_invalid_element"


class ReleaseIdentityElement(ReleaseError):
    """A table slot holds the identity element."""

    code = "release_identity_element"


class ReleaseDuplicateElement(ReleaseError):
    """Two table slots hold the same element."""

    code = "release_duplicate_element"


class ReleaseParamsMismatch(ReleaseError):
    """The release's protocol parameters do not decode or do not describe its table."""

    code = "release_params_mismatch"


class ReleasePolicyRefused(ReleaseError):
    """The release's protocol parameters are outside the policy the device pins (for example
    fewer synthetic shares than the pinned minimum, which would weaken below-threshold hiding)."""

    code = "release_policy_refused"


class ReleaseDeltaBaseMismatch(ReleaseError):
    """A release delta does not apply to the release in use."""

    code = "release_delta_base_mismatch"


class NoReleaseHeld(ReleaseError):
    """The device holds no release yet (nothing to apply a delta to, nothing to match against)."""

    code = "no_release_held"
