from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IdentityKeys(_message.Message):
    __slots__ = ("signing_key", "agreement_key")
    SIGNING_KEY_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_KEY_FIELD_NUMBER: _ClassVar[int]
    signing_key: bytes
    agreement_key: bytes
    def __init__(self, signing_key: _Optional[bytes] = ..., agreement_key: _Optional[bytes] = ...) -> None: ...

class SealedMessage(_message.Message):
    __slots__ = ("version", "ciphersuite", "recipient_agreement_key", "ephemeral_key", "wrapped_key", "nonce", "ciphertext")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CIPHERSUITE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_AGREEMENT_KEY_FIELD_NUMBER: _ClassVar[int]
    EPHEMERAL_KEY_FIELD_NUMBER: _ClassVar[int]
    WRAPPED_KEY_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    CIPHERTEXT_FIELD_NUMBER: _ClassVar[int]
    version: int
    ciphersuite: str
    recipient_agreement_key: bytes
    ephemeral_key: bytes
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes
    def __init__(self, version: _Optional[int] = ..., ciphersuite: _Optional[str] = ..., recipient_agreement_key: _Optional[bytes] = ..., ephemeral_key: _Optional[bytes] = ..., wrapped_key: _Optional[bytes] = ..., nonce: _Optional[bytes] = ..., ciphertext: _Optional[bytes] = ...) -> None: ...

class SignedContent(_message.Message):
    __slots__ = ("content", "sender", "signature")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    sender: IdentityKeys
    signature: bytes
    def __init__(self, content: _Optional[bytes] = ..., sender: _Optional[_Union[IdentityKeys, _Mapping]] = ..., signature: _Optional[bytes] = ...) -> None: ...

class MessageContent(_message.Message):
    __slots__ = ("message_id", "sender_name", "sent_at", "text", "media")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_NAME_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MEDIA_FIELD_NUMBER: _ClassVar[int]
    message_id: bytes
    sender_name: str
    sent_at: int
    text: str
    media: Media
    def __init__(self, message_id: _Optional[bytes] = ..., sender_name: _Optional[str] = ..., sent_at: _Optional[int] = ..., text: _Optional[str] = ..., media: _Optional[_Union[Media, _Mapping]] = ...) -> None: ...

class Media(_message.Message):
    __slots__ = ("data", "media_type", "file_name")
    DATA_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    media_type: str
    file_name: str
    def __init__(self, data: _Optional[bytes] = ..., media_type: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class QueuedVoucher(_message.Message):
    __slots__ = ("version", "voucher_id", "safety_voucher", "release_id", "created_at", "failed_attempts")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_ID_FIELD_NUMBER: _ClassVar[int]
    SAFETY_VOUCHER_FIELD_NUMBER: _ClassVar[int]
    RELEASE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FAILED_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    version: int
    voucher_id: bytes
    safety_voucher: bytes
    release_id: str
    created_at: int
    failed_attempts: int
    def __init__(self, version: _Optional[int] = ..., voucher_id: _Optional[bytes] = ..., safety_voucher: _Optional[bytes] = ..., release_id: _Optional[str] = ..., created_at: _Optional[int] = ..., failed_attempts: _Optional[int] = ...) -> None: ...
