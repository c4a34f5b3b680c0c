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


class InvalidMedia(VouchsafeError):
    """A media item could not be decoded safely: unsupported format, truncated or corrupt file,
    zero-size image, or one over the pixel-count or file-size limit (decompression bombs)."""

    code = "invalid_media"

    def __init__(self, message: str, *, field: str | None = "media") -> None:
        super().__init__(message, field=field)
