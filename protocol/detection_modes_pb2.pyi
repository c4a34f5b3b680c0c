from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FieldKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FIELD_KIND_UNSPECIFIED: _ClassVar[FieldKind]
    MEDIA_CIPHERTEXT: _ClassVar[FieldKind]
    MEDIA_PLAINTEXT: _ClassVar[FieldKind]
    PERCEPTUAL_HASH: _ClassVar[FieldKind]
    HASH_LIST: _ClassVar[FieldKind]
    HASH_PREFIX: _ClassVar[FieldKind]
    BUCKET: _ClassVar[FieldKind]
    MATCH_RESULT: _ClassVar[FieldKind]
    SEALED_HASH: _ClassVar[FieldKind]
    GROUP_ELEMENTS: _ClassVar[FieldKind]
    DETERMINISTIC_TAG: _ClassVar[FieldKind]
    DPF_KEY: _ClassVar[FieldKind]
    RESULT_SHARE: _ClassVar[FieldKind]
    SAFETY_VOUCHER: _ClassVar[FieldKind]
    BLINDED_HASH_SET: _ClassVar[FieldKind]
    HE_CIPHERTEXT: _ClassVar[FieldKind]
    PUBLIC_KEY: _ClassVar[FieldKind]
    ATTESTATION: _ClassVar[FieldKind]
    PRF_SET: _ClassVar[FieldKind]
    MATCH_REPORT: _ClassVar[FieldKind]
FIELD_KIND_UNSPECIFIED: FieldKind
MEDIA_CIPHERTEXT: FieldKind
MEDIA_PLAINTEXT: FieldKind
PERCEPTUAL_HASH: FieldKind
HASH_LIST: FieldKind
HASH_PREFIX: FieldKind
BUCKET: FieldKind
MATCH_RESULT: FieldKind
SEALED_HASH: FieldKind
GROUP_ELEMENTS: FieldKind
DETERMINISTIC_TAG: FieldKind
DPF_KEY: FieldKind
RESULT_SHARE: FieldKind
SAFETY_VOUCHER: FieldKind
BLINDED_HASH_SET: FieldKind
HE_CIPHERTEXT: FieldKind
PUBLIC_KEY: FieldKind
ATTESTATION: FieldKind
PRF_SET: FieldKind
MATCH_REPORT: FieldKind

class Field(_message.Message):
    __slots__ = ("kind", "value", "bits")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    BITS_FIELD_NUMBER: _ClassVar[int]
    kind: FieldKind
    value: bytes
    bits: int
    def __init__(self, kind: _Optional[_Union[FieldKind, str]] = ..., value: _Optional[bytes] = ..., bits: _Optional[int] = ...) -> None: ...

class DetectionModeMessage(_message.Message):
    __slots__ = ("ciphersuite", "version", "mode", "step", "item_ref", "fields")
    CIPHERSUITE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    ITEM_REF_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    ciphersuite: str
    version: int
    mode: str
    step: str
    item_ref: bytes
    fields: _containers.RepeatedCompositeFieldContainer[Field]
    def __init__(self, ciphersuite: _Optional[str] = ..., version: _Optional[int] = ..., mode: _Optional[str] = ..., step: _Optional[str] = ..., item_ref: _Optional[bytes] = ..., fields: _Optional[_Iterable[_Union[Field, _Mapping]]] = ...) -> None: ...
