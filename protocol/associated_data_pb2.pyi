from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AssociatedData(_message.Message):
    __slots__ = ("version", "signal_type", "perceptual_hash", "quality", "candidate_scheme", "visual_derivative", "visual_derivative_type", "media_type")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERCEPTUAL_HASH_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_SCHEME_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DERIVATIVE_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DERIVATIVE_TYPE_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    version: int
    signal_type: str
    perceptual_hash: bytes
    quality: int
    candidate_scheme: str
    visual_derivative: bytes
    visual_derivative_type: str
    media_type: str
    def __init__(self, version: _Optional[int] = ..., signal_type: _Optional[str] = ..., perceptual_hash: _Optional[bytes] = ..., quality: _Optional[int] = ..., candidate_scheme: _Optional[str] = ..., visual_derivative: _Optional[bytes] = ..., visual_derivative_type: _Optional[str] = ..., media_type: _Optional[str] = ...) -> None: ...
