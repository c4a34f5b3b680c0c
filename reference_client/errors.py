"""Errors of the reference messenger, all in the library's one error tree.

Each carries a stable ``code``; the CLI prints them as one line and exits 2. Decryption and
signature failures say only that the message cannot be opened, never why in secret detail.
"""

from __future__ import annotations

from vouchsafe.sdk.errors import ErrorCode, ServerRejected, ServerUnreachable, VouchsafeError

# The API client's errors are the SDK's (vouchsafe.sdk.api); re-exported for the messenger's code.
__all__ = [
    "BadSignature",
    "IdentityKeyChanged",
    "MalformedMessage",
    "MessageUndecryptable",
    "MessengerError",
    "ProfileError",
    "ServerRejected",
    "ServerUnreachable",
    "UnknownRecipient",
    "UnreadableFile",
]


class MessengerError(VouchsafeError):
    """Base class of every error the reference messenger raises on purpose."""

    code = ErrorCode.MESSENGER_ERROR


class ProfileError(MessengerError):
    """The profile folder is missing, incomplete, unreadable or has unsafe permissions."""

    code = ErrorCode.PROFILE_ERROR


class MalformedMessage(MessengerError):
    """A sealed message or its content does not parse or has a wrong length or version."""

    code = ErrorCode.MALFORMED_MESSAGE


class MessageUndecryptable(MessengerError):
    """The message cannot be opened with this profile's keys (wrong recipient or tampered)."""

    code = ErrorCode.MESSAGE_UNDECRYPTABLE


class BadSignature(MessengerError):
    """The sender's signature does not verify, or the sender is not the pinned contact."""

    code = ErrorCode.BAD_SIGNATURE


class UnknownRecipient(MessengerError):
    """No account with that name is registered on the server."""

    code = ErrorCode.UNKNOWN_RECIPIENT


class UnreadableFile(MessengerError):
    """A file given to send cannot be read."""

    code = ErrorCode.UNREADABLE_FILE


class IdentityKeyChanged(MessengerError):
    """A contact's published identity keys differ from the ones pinned on first contact."""

    code = ErrorCode.IDENTITY_KEY_CHANGED
