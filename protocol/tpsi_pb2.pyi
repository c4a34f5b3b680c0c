from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ServerParams(_message.Message):
    __slots__ = ("ciphersuite", "version", "table_size", "cuckoo_nonce_1", "cuckoo_nonce_2", "blinding_public", "max_candidates", "synthetic_max", "padded_associated_data_length", "synthetic_open_weights", "table_digest")
    CIPHERSUITE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TABLE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CUCKOO_NONCE_1_FIELD_NUMBER: _ClassVar[int]
    CUCKOO_NONCE_2_FIELD_NUMBER: _ClassVar[int]
    BLINDING_PUBLIC_FIELD_NUMBER: _ClassVar[int]
    MAX_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    SYNTHETIC_MAX_FIELD_NUMBER: _ClassVar[int]
    PADDED_ASSOCIATED_DATA_LENGTH_FIELD_NUMBER: _ClassVar[int]
    SYNTHETIC_OPEN_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    TABLE_DIGEST_FIELD_NUMBER: _ClassVar[int]
    ciphersuite: str
    version: int
    table_size: int
    cuckoo_nonce_1: bytes
    cuckoo_nonce_2: bytes
    blinding_public: bytes
    max_candidates: int
    synthetic_max: int
    padded_associated_data_length: int
    synthetic_open_weights: _containers.RepeatedScalarFieldContainer[int]
    table_digest: bytes
    def __init__(self, ciphersuite: _Optional[str] = ..., version: _Optional[int] = ..., table_size: _Optional[int] = ..., cuckoo_nonce_1: _Optional[bytes] = ..., cuckoo_nonce_2: _Optional[bytes] = ..., blinding_public: _Optional[bytes] = ..., max_candidates: _Optional[int] = ..., synthetic_max: _Optional[int] = ..., padded_associated_data_length: _Optional[int] = ..., synthetic_open_weights: _Optional[_Iterable[int]] = ..., table_digest: _Optional[bytes] = ...) -> None: ...

class BlindedHashSet(_message.Message):
    __slots__ = ("params", "table")
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    params: ServerParams
    table: bytes
    def __init__(self, params: _Optional[_Union[ServerParams, _Mapping]] = ..., table: _Optional[bytes] = ...) -> None: ...

class ServerKey(_message.Message):
    __slots__ = ("ciphersuite", "version", "alpha")
    CIPHERSUITE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ALPHA_FIELD_NUMBER: _ClassVar[int]
    ciphersuite: str
    version: int
    alpha: bytes
    def __init__(self, ciphersuite: _Optional[str] = ..., version: _Optional[int] = ..., alpha: _Optional[bytes] = ...) -> None: ...

class VoucherHalf(_message.Message):
    __slots__ = ("q", "ct")
    Q_FIELD_NUMBER: _ClassVar[int]
    CT_FIELD_NUMBER: _ClassVar[int]
    q: bytes
    ct: bytes
    def __init__(self, q: _Optional[bytes] = ..., ct: _Optional[bytes] = ...) -> None: ...

class SafetyVoucher(_message.Message):
    __slots__ = ("ciphersuite", "version", "params_digest", "halves", "rct")
    CIPHERSUITE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_DIGEST_FIELD_NUMBER: _ClassVar[int]
    HALVES_FIELD_NUMBER: _ClassVar[int]
    RCT_FIELD_NUMBER: _ClassVar[int]
    ciphersuite: str
    version: int
    params_digest: bytes
    halves: _containers.RepeatedCompositeFieldContainer[VoucherHalf]
    rct: bytes
    def __init__(self, ciphersuite: _Optional[str] = ..., version: _Optional[int] = ..., params_digest: _Optional[bytes] = ..., halves: _Optional[_Iterable[_Union[VoucherHalf, _Mapping]]] = ..., rct: _Optional[bytes] = ...) -> None: ...

class OpenedVoucher(_message.Message):
    __slots__ = ("ciphersuite", "version", "voucher_id", "params_digest", "threshold", "item_tag", "share_y", "dhf_value", "adct")
    CIPHERSUITE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMS_DIGEST_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    ITEM_TAG_FIELD_NUMBER: _ClassVar[int]
    SHARE_Y_FIELD_NUMBER: _ClassVar[int]
    DHF_VALUE_FIELD_NUMBER: _ClassVar[int]
    ADCT_FIELD_NUMBER: _ClassVar[int]
    ciphersuite: str
    version: int
    voucher_id: bytes
    params_digest: bytes
    threshold: int
    item_tag: bytes
    share_y: bytes
    dhf_value: bytes
    adct: bytes
    def __init__(self, ciphersuite: _Optional[str] = ..., version: _Optional[int] = ..., voucher_id: _Optional[bytes] = ..., params_digest: _Optional[bytes] = ..., threshold: _Optional[int] = ..., item_tag: _Optional[bytes] = ..., share_y: _Optional[bytes] = ..., dhf_value: _Optional[bytes] = ..., adct: _Optional[bytes] = ...) -> None: ...
