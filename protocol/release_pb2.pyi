from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ReleaseHeader(_message.Message):
    __slots__ = ("format_version", "ciphersuite", "version", "previous_release_digest", "created_at", "expires_at", "server_params", "slot_count", "element_size", "root", "entry_count", "signal_types", "candidate_scheme")
    FORMAT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CIPHERSUITE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_RELEASE_DIGEST_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    SERVER_PARAMS_FIELD_NUMBER: _ClassVar[int]
    SLOT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_SIZE_FIELD_NUMBER: _ClassVar[int]
    ROOT_FIELD_NUMBER: _ClassVar[int]
    ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPES_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_SCHEME_FIELD_NUMBER: _ClassVar[int]
    format_version: int
    ciphersuite: str
    version: int
    previous_release_digest: bytes
    created_at: int
    expires_at: int
    server_params: bytes
    slot_count: int
    element_size: int
    root: bytes
    entry_count: int
    signal_types: _containers.RepeatedScalarFieldContainer[str]
    candidate_scheme: str
    def __init__(self, format_version: _Optional[int] = ..., ciphersuite: _Optional[str] = ..., version: _Optional[int] = ..., previous_release_digest: _Optional[bytes] = ..., created_at: _Optional[int] = ..., expires_at: _Optional[int] = ..., server_params: _Optional[bytes] = ..., slot_count: _Optional[int] = ..., element_size: _Optional[int] = ..., root: _Optional[bytes] = ..., entry_count: _Optional[int] = ..., signal_types: _Optional[_Iterable[str]] = ..., candidate_scheme: _Optional[str] = ...) -> None: ...

class Release(_message.Message):
    __slots__ = ("header", "signature_scheme", "signature", "table")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_SCHEME_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    header: bytes
    signature_scheme: str
    signature: bytes
    table: bytes
    def __init__(self, header: _Optional[bytes] = ..., signature_scheme: _Optional[str] = ..., signature: _Optional[bytes] = ..., table: _Optional[bytes] = ...) -> None: ...

class ReleaseDelta(_message.Message):
    __slots__ = ("format_version", "base_release_digest", "header", "signature_scheme", "signature", "changed_slots", "changed_elements")
    FORMAT_VERSION_FIELD_NUMBER: _ClassVar[int]
    BASE_RELEASE_DIGEST_FIELD_NUMBER: _ClassVar[int]
    HEADER_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_SCHEME_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_SLOTS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_ELEMENTS_FIELD_NUMBER: _ClassVar[int]
    format_version: int
    base_release_digest: bytes
    header: bytes
    signature_scheme: str
    signature: bytes
    changed_slots: _containers.RepeatedScalarFieldContainer[int]
    changed_elements: bytes
    def __init__(self, format_version: _Optional[int] = ..., base_release_digest: _Optional[bytes] = ..., header: _Optional[bytes] = ..., signature_scheme: _Optional[str] = ..., signature: _Optional[bytes] = ..., changed_slots: _Optional[_Iterable[int]] = ..., changed_elements: _Optional[bytes] = ...) -> None: ...
