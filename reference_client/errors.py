"""Errors of the reference messenger, all in the library's one error tree.

Each carries a stable ``code``; the CLI prints them as one line and exits 2. Decryption and
signature failures say only that the message cannot be opened, never why in secret detail.
"""

from __future__ import annotations

from vouchsafe.sdk import VouchsafeError


class MessengerError(VouchsafeError):
    """Base class of every error the reference messenger raises on purpose."""

    code = "messenger_error"


class ProfileError(MessengerError):
    """The profile folder is missing, incomplete, unreadable or has unsafe permissions."""

    code = "profile_error"


class MalformedMessage(MessengerError):
    """A sealed message or its content does not parse or has a wrong length or version."""

    code = "malformed_message"


class MessageUndecryptable(MessengerError):
    """The message cannot be opened with this profile's keys (wrong recipient or tampered)."""

    code = "message_undecryptable"


class BadSignature(MessengerError):
    """The sender's signature does not verify, or the sender is not the pinned contact."""

    code = "bad_signature"


class UnknownRecipient(MessengerError):
    """No account with that name is registered on the server."""

    code = "unknown_recipient"


class ServerUnreachable(MessengerError):
    """The server did not answer (connection refused, timeout).

    ``maybe_delivered`` is True when the request may have reached the server before the
    connection failed (a timeout after sending), False when it certainly did not (refused).
    """

    code = "server_unreachable"

    def __init__(
        self, message: str, *, field: str | None = None, maybe_delivered: bool = False
    ) -> None:
        super().__init__(message, field=field)
        self.maybe_delivered = maybe_delivered


class ServerRejected(MessengerError):
    """The server answered with an error body; ``server_code`` is its stable error code."""

    code = "server_rejected"

    def __init__(self, message: str, *, server_code: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.server_code = server_code


class UnreadableFile(MessengerError):
    """A file given to send cannot be read."""

    code = "unreadable_file"


class IdentityKeyChanged(MessengerError):
    """A contact's published identity keys differ from the ones pinned on first contact."""

    code = "identity_key_changed"
