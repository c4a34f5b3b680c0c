from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AccountStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCOUNT_STATUS_UNSPECIFIED: _ClassVar[AccountStatus]
    ACCOUNT_STATUS_ACTIVE: _ClassVar[AccountStatus]
    ACCOUNT_STATUS_SUSPENDED: _ClassVar[AccountStatus]

class ReviewKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_KIND_UNSPECIFIED: _ClassVar[ReviewKind]
    REVIEW_KIND_MATCH: _ClassVar[ReviewKind]
    REVIEW_KIND_APPEAL: _ClassVar[ReviewKind]

class ReviewOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_OUTCOME_UNSPECIFIED: _ClassVar[ReviewOutcome]
    REVIEW_OUTCOME_CONFIRMED: _ClassVar[ReviewOutcome]
    REVIEW_OUTCOME_NOT_CONFIRMED: _ClassVar[ReviewOutcome]

class ReportStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_STATUS_UNSPECIFIED: _ClassVar[ReportStatus]
    REPORT_STATUS_DELIVERED: _ClassVar[ReportStatus]
    REPORT_STATUS_FORWARDED: _ClassVar[ReportStatus]
    REPORT_STATUS_MANIFESTLY_UNFOUNDED: _ClassVar[ReportStatus]
    REPORT_STATUS_RETRACTED: _ClassVar[ReportStatus]

class Disposition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DISPOSITION_UNSPECIFIED: _ClassVar[Disposition]
    DISPOSITION_FORWARDED: _ClassVar[Disposition]
    DISPOSITION_MANIFESTLY_UNFOUNDED: _ClassVar[Disposition]

class AppealStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPEAL_STATUS_UNSPECIFIED: _ClassVar[AppealStatus]
    APPEAL_STATUS_RECEIVED: _ClassVar[AppealStatus]
    APPEAL_STATUS_UPHELD: _ClassVar[AppealStatus]
    APPEAL_STATUS_REJECTED: _ClassVar[AppealStatus]
ACCOUNT_STATUS_UNSPECIFIED: AccountStatus
ACCOUNT_STATUS_ACTIVE: AccountStatus
ACCOUNT_STATUS_SUSPENDED: AccountStatus
REVIEW_KIND_UNSPECIFIED: ReviewKind
REVIEW_KIND_MATCH: ReviewKind
REVIEW_KIND_APPEAL: ReviewKind
REVIEW_OUTCOME_UNSPECIFIED: ReviewOutcome
REVIEW_OUTCOME_CONFIRMED: ReviewOutcome
REVIEW_OUTCOME_NOT_CONFIRMED: ReviewOutcome
REPORT_STATUS_UNSPECIFIED: ReportStatus
REPORT_STATUS_DELIVERED: ReportStatus
REPORT_STATUS_FORWARDED: ReportStatus
REPORT_STATUS_MANIFESTLY_UNFOUNDED: ReportStatus
REPORT_STATUS_RETRACTED: ReportStatus
DISPOSITION_UNSPECIFIED: Disposition
DISPOSITION_FORWARDED: Disposition
DISPOSITION_MANIFESTLY_UNFOUNDED: Disposition
APPEAL_STATUS_UNSPECIFIED: AppealStatus
APPEAL_STATUS_RECEIVED: AppealStatus
APPEAL_STATUS_UPHELD: AppealStatus
APPEAL_STATUS_REJECTED: AppealStatus

class SignedRequest(_message.Message):
    __slots__ = ("version", "signature_scheme", "key_id", "timestamp_ms", "nonce", "method", "path", "body", "signature")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_SCHEME_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    version: int
    signature_scheme: str
    key_id: str
    timestamp_ms: int
    nonce: bytes
    method: str
    path: str
    body: bytes
    signature: bytes
    def __init__(self, version: _Optional[int] = ..., signature_scheme: _Optional[str] = ..., key_id: _Optional[str] = ..., timestamp_ms: _Optional[int] = ..., nonce: _Optional[bytes] = ..., method: _Optional[str] = ..., path: _Optional[str] = ..., body: _Optional[bytes] = ..., signature: _Optional[bytes] = ...) -> None: ...

class RegisterAccountRequest(_message.Message):
    __slots__ = ("version", "signing_public_key", "encryption_public_key", "handle")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SIGNING_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTION_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    version: int
    signing_public_key: bytes
    encryption_public_key: bytes
    handle: str
    def __init__(self, version: _Optional[int] = ..., signing_public_key: _Optional[bytes] = ..., encryption_public_key: _Optional[bytes] = ..., handle: _Optional[str] = ...) -> None: ...

class RegisterAccountResponse(_message.Message):
    __slots__ = ("version", "account_id", "key_id")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    version: int
    account_id: str
    key_id: str
    def __init__(self, version: _Optional[int] = ..., account_id: _Optional[str] = ..., key_id: _Optional[str] = ...) -> None: ...

class LookupAccountRequest(_message.Message):
    __slots__ = ("version", "account_id", "handle")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    version: int
    account_id: str
    handle: str
    def __init__(self, version: _Optional[int] = ..., account_id: _Optional[str] = ..., handle: _Optional[str] = ...) -> None: ...

class AccountInfo(_message.Message):
    __slots__ = ("version", "account_id", "handle", "signing_public_key", "encryption_public_key", "status")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    SIGNING_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTION_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    version: int
    account_id: str
    handle: str
    signing_public_key: bytes
    encryption_public_key: bytes
    status: AccountStatus
    def __init__(self, version: _Optional[int] = ..., account_id: _Optional[str] = ..., handle: _Optional[str] = ..., signing_public_key: _Optional[bytes] = ..., encryption_public_key: _Optional[bytes] = ..., status: _Optional[_Union[AccountStatus, str]] = ...) -> None: ...

class UploadVoucherRequest(_message.Message):
    __slots__ = ("version", "account_id", "voucher_id", "safety_voucher", "release_id")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_ID_FIELD_NUMBER: _ClassVar[int]
    SAFETY_VOUCHER_FIELD_NUMBER: _ClassVar[int]
    RELEASE_ID_FIELD_NUMBER: _ClassVar[int]
    version: int
    account_id: str
    voucher_id: bytes
    safety_voucher: bytes
    release_id: str
    def __init__(self, version: _Optional[int] = ..., account_id: _Optional[str] = ..., voucher_id: _Optional[bytes] = ..., safety_voucher: _Optional[bytes] = ..., release_id: _Optional[str] = ...) -> None: ...

class VoucherReceipt(_message.Message):
    __slots__ = ("version", "voucher_id", "account_id", "received_at_ms", "voucher_digest", "duplicate", "signature", "provider_key_id")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_DIGEST_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    version: int
    voucher_id: bytes
    account_id: str
    received_at_ms: int
    voucher_digest: bytes
    duplicate: bool
    signature: bytes
    provider_key_id: str
    def __init__(self, version: _Optional[int] = ..., voucher_id: _Optional[bytes] = ..., account_id: _Optional[str] = ..., received_at_ms: _Optional[int] = ..., voucher_digest: _Optional[bytes] = ..., duplicate: _Optional[bool] = ..., signature: _Optional[bytes] = ..., provider_key_id: _Optional[str] = ...) -> None: ...

class ReceiptBody(_message.Message):
    __slots__ = ("version", "voucher_id", "account_id", "received_at_ms", "voucher_digest")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_DIGEST_FIELD_NUMBER: _ClassVar[int]
    version: int
    voucher_id: bytes
    account_id: str
    received_at_ms: int
    voucher_digest: bytes
    def __init__(self, version: _Optional[int] = ..., voucher_id: _Optional[bytes] = ..., account_id: _Optional[str] = ..., received_at_ms: _Optional[int] = ..., voucher_digest: _Optional[bytes] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("version", "recipient_account_id", "message_id", "ciphertext")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CIPHERTEXT_FIELD_NUMBER: _ClassVar[int]
    version: int
    recipient_account_id: str
    message_id: bytes
    ciphertext: bytes
    def __init__(self, version: _Optional[int] = ..., recipient_account_id: _Optional[str] = ..., message_id: _Optional[bytes] = ..., ciphertext: _Optional[bytes] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("version", "message_id", "stored_at_ms")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STORED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    version: int
    message_id: bytes
    stored_at_ms: int
    def __init__(self, version: _Optional[int] = ..., message_id: _Optional[bytes] = ..., stored_at_ms: _Optional[int] = ...) -> None: ...

class FetchMessagesRequest(_message.Message):
    __slots__ = ("version", "after_sequence", "limit")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    version: int
    after_sequence: int
    limit: int
    def __init__(self, version: _Optional[int] = ..., after_sequence: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class RelayedMessage(_message.Message):
    __slots__ = ("message_id", "sender_account_id", "recipient_account_id", "sequence", "stored_at_ms", "ciphertext")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STORED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    CIPHERTEXT_FIELD_NUMBER: _ClassVar[int]
    message_id: bytes
    sender_account_id: str
    recipient_account_id: str
    sequence: int
    stored_at_ms: int
    ciphertext: bytes
    def __init__(self, message_id: _Optional[bytes] = ..., sender_account_id: _Optional[str] = ..., recipient_account_id: _Optional[str] = ..., sequence: _Optional[int] = ..., stored_at_ms: _Optional[int] = ..., ciphertext: _Optional[bytes] = ...) -> None: ...

class FetchMessagesResponse(_message.Message):
    __slots__ = ("version", "messages")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    version: int
    messages: _containers.RepeatedCompositeFieldContainer[RelayedMessage]
    def __init__(self, version: _Optional[int] = ..., messages: _Optional[_Iterable[_Union[RelayedMessage, _Mapping]]] = ...) -> None: ...

class AckMessagesRequest(_message.Message):
    __slots__ = ("version", "message_ids")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    version: int
    message_ids: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, version: _Optional[int] = ..., message_ids: _Optional[_Iterable[bytes]] = ...) -> None: ...

class AckMessagesResponse(_message.Message):
    __slots__ = ("version", "deleted")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    version: int
    deleted: int
    def __init__(self, version: _Optional[int] = ..., deleted: _Optional[int] = ...) -> None: ...

class ReviewItem(_message.Message):
    __slots__ = ("review_id", "kind", "account_id", "item_id", "signal_type", "perceptual_hash", "matched_entry_id", "match_distance", "visual_derivative_type", "media_type", "queued_at_ms", "appeal_id", "appeal_reason", "original_reviewer_id", "quality", "second_check")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERCEPTUAL_HASH_FIELD_NUMBER: _ClassVar[int]
    MATCHED_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    MATCH_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DERIVATIVE_TYPE_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    QUEUED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    APPEAL_ID_FIELD_NUMBER: _ClassVar[int]
    APPEAL_REASON_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_REVIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    SECOND_CHECK_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    kind: ReviewKind
    account_id: str
    item_id: str
    signal_type: str
    perceptual_hash: bytes
    matched_entry_id: str
    match_distance: int
    visual_derivative_type: str
    media_type: str
    queued_at_ms: int
    appeal_id: str
    appeal_reason: str
    original_reviewer_id: str
    quality: int
    second_check: str
    def __init__(self, review_id: _Optional[str] = ..., kind: _Optional[_Union[ReviewKind, str]] = ..., account_id: _Optional[str] = ..., item_id: _Optional[str] = ..., signal_type: _Optional[str] = ..., perceptual_hash: _Optional[bytes] = ..., matched_entry_id: _Optional[str] = ..., match_distance: _Optional[int] = ..., visual_derivative_type: _Optional[str] = ..., media_type: _Optional[str] = ..., queued_at_ms: _Optional[int] = ..., appeal_id: _Optional[str] = ..., appeal_reason: _Optional[str] = ..., original_reviewer_id: _Optional[str] = ..., quality: _Optional[int] = ..., second_check: _Optional[str] = ...) -> None: ...

class ListReviewItemsRequest(_message.Message):
    __slots__ = ("version", "limit")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    version: int
    limit: int
    def __init__(self, version: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class ListReviewItemsResponse(_message.Message):
    __slots__ = ("version", "items")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    version: int
    items: _containers.RepeatedCompositeFieldContainer[ReviewItem]
    def __init__(self, version: _Optional[int] = ..., items: _Optional[_Iterable[_Union[ReviewItem, _Mapping]]] = ...) -> None: ...

class ReviewDecisionRequest(_message.Message):
    __slots__ = ("version", "review_id", "outcome", "notes", "urgent")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    URGENT_FIELD_NUMBER: _ClassVar[int]
    version: int
    review_id: str
    outcome: ReviewOutcome
    notes: str
    urgent: bool
    def __init__(self, version: _Optional[int] = ..., review_id: _Optional[str] = ..., outcome: _Optional[_Union[ReviewOutcome, str]] = ..., notes: _Optional[str] = ..., urgent: _Optional[bool] = ...) -> None: ...

class RevealDerivativeRequest(_message.Message):
    __slots__ = ("version", "review_id")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    version: int
    review_id: str
    def __init__(self, version: _Optional[int] = ..., review_id: _Optional[str] = ...) -> None: ...

class RevealDerivativeResponse(_message.Message):
    __slots__ = ("version", "review_id", "visual_derivative", "visual_derivative_type", "revealed_at_ms")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DERIVATIVE_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DERIVATIVE_TYPE_FIELD_NUMBER: _ClassVar[int]
    REVEALED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    version: int
    review_id: str
    visual_derivative: bytes
    visual_derivative_type: str
    revealed_at_ms: int
    def __init__(self, version: _Optional[int] = ..., review_id: _Optional[str] = ..., visual_derivative: _Optional[bytes] = ..., visual_derivative_type: _Optional[str] = ..., revealed_at_ms: _Optional[int] = ...) -> None: ...

class ReviewDecisionResponse(_message.Message):
    __slots__ = ("version", "decision_id", "report_id", "appeal_id")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    APPEAL_ID_FIELD_NUMBER: _ClassVar[int]
    version: int
    decision_id: str
    report_id: str
    appeal_id: str
    def __init__(self, version: _Optional[int] = ..., decision_id: _Optional[str] = ..., report_id: _Optional[str] = ..., appeal_id: _Optional[str] = ...) -> None: ...

class ReportedItem(_message.Message):
    __slots__ = ("item_id", "signal_type", "perceptual_hash", "matched_entry_id", "match_distance", "voucher_received_at_ms", "media_type", "second_check")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERCEPTUAL_HASH_FIELD_NUMBER: _ClassVar[int]
    MATCHED_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    MATCH_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    VOUCHER_RECEIVED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SECOND_CHECK_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    signal_type: str
    perceptual_hash: bytes
    matched_entry_id: str
    match_distance: int
    voucher_received_at_ms: int
    media_type: str
    second_check: str
    def __init__(self, item_id: _Optional[str] = ..., signal_type: _Optional[str] = ..., perceptual_hash: _Optional[bytes] = ..., matched_entry_id: _Optional[str] = ..., match_distance: _Optional[int] = ..., voucher_received_at_ms: _Optional[int] = ..., media_type: _Optional[str] = ..., second_check: _Optional[str] = ...) -> None: ...

class ReviewRecord(_message.Message):
    __slots__ = ("review_id", "decision_id", "reviewer_id", "decided_at_ms", "derivative_viewed", "notes")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DERIVATIVE_VIEWED_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    decision_id: str
    reviewer_id: str
    decided_at_ms: int
    derivative_viewed: bool
    notes: str
    def __init__(self, review_id: _Optional[str] = ..., decision_id: _Optional[str] = ..., reviewer_id: _Optional[str] = ..., decided_at_ms: _Optional[int] = ..., derivative_viewed: _Optional[bool] = ..., notes: _Optional[str] = ...) -> None: ...

class Report(_message.Message):
    __slots__ = ("version", "report_id", "provider", "provider_key_id", "created_at_ms", "account_id", "account_created_at_ms", "items", "signal_type", "review", "urgent", "legal_basis", "account_action", "first_item_at_ms", "last_item_at_ms")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    URGENT_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ACTION_FIELD_NUMBER: _ClassVar[int]
    FIRST_ITEM_AT_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_ITEM_AT_MS_FIELD_NUMBER: _ClassVar[int]
    version: int
    report_id: str
    provider: str
    provider_key_id: str
    created_at_ms: int
    account_id: str
    account_created_at_ms: int
    items: _containers.RepeatedCompositeFieldContainer[ReportedItem]
    signal_type: str
    review: ReviewRecord
    urgent: bool
    legal_basis: str
    account_action: str
    first_item_at_ms: int
    last_item_at_ms: int
    def __init__(self, version: _Optional[int] = ..., report_id: _Optional[str] = ..., provider: _Optional[str] = ..., provider_key_id: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., account_id: _Optional[str] = ..., account_created_at_ms: _Optional[int] = ..., items: _Optional[_Iterable[_Union[ReportedItem, _Mapping]]] = ..., signal_type: _Optional[str] = ..., review: _Optional[_Union[ReviewRecord, _Mapping]] = ..., urgent: _Optional[bool] = ..., legal_basis: _Optional[str] = ..., account_action: _Optional[str] = ..., first_item_at_ms: _Optional[int] = ..., last_item_at_ms: _Optional[int] = ...) -> None: ...

class SignedReport(_message.Message):
    __slots__ = ("report", "provider_key_id", "signature", "signature_scheme")
    REPORT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_SCHEME_FIELD_NUMBER: _ClassVar[int]
    report: bytes
    provider_key_id: str
    signature: bytes
    signature_scheme: str
    def __init__(self, report: _Optional[bytes] = ..., provider_key_id: _Optional[str] = ..., signature: _Optional[bytes] = ..., signature_scheme: _Optional[str] = ...) -> None: ...

class ReportEntry(_message.Message):
    __slots__ = ("signed_report", "status", "reason", "status_at_ms", "report_id")
    SIGNED_REPORT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_AT_MS_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    signed_report: SignedReport
    status: ReportStatus
    reason: str
    status_at_ms: int
    report_id: str
    def __init__(self, signed_report: _Optional[_Union[SignedReport, _Mapping]] = ..., status: _Optional[_Union[ReportStatus, str]] = ..., reason: _Optional[str] = ..., status_at_ms: _Optional[int] = ..., report_id: _Optional[str] = ...) -> None: ...

class ListReportsRequest(_message.Message):
    __slots__ = ("version", "status")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    version: int
    status: ReportStatus
    def __init__(self, version: _Optional[int] = ..., status: _Optional[_Union[ReportStatus, str]] = ...) -> None: ...

class ListReportsResponse(_message.Message):
    __slots__ = ("version", "reports")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    version: int
    reports: _containers.RepeatedCompositeFieldContainer[ReportEntry]
    def __init__(self, version: _Optional[int] = ..., reports: _Optional[_Iterable[_Union[ReportEntry, _Mapping]]] = ...) -> None: ...

class DispositionRequest(_message.Message):
    __slots__ = ("version", "report_id", "disposition", "reason")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    version: int
    report_id: str
    disposition: Disposition
    reason: str
    def __init__(self, version: _Optional[int] = ..., report_id: _Optional[str] = ..., disposition: _Optional[_Union[Disposition, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class DispositionResponse(_message.Message):
    __slots__ = ("version", "report_id", "status")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    version: int
    report_id: str
    status: ReportStatus
    def __init__(self, version: _Optional[int] = ..., report_id: _Optional[str] = ..., status: _Optional[_Union[ReportStatus, str]] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: int
    def __init__(self, version: _Optional[int] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("notification_id", "kind", "text", "report_id", "appeal_id", "created_at_ms")
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    APPEAL_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    notification_id: str
    kind: str
    text: str
    report_id: str
    appeal_id: str
    created_at_ms: int
    def __init__(self, notification_id: _Optional[str] = ..., kind: _Optional[str] = ..., text: _Optional[str] = ..., report_id: _Optional[str] = ..., appeal_id: _Optional[str] = ..., created_at_ms: _Optional[int] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("version", "notifications")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    version: int
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    def __init__(self, version: _Optional[int] = ..., notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ...) -> None: ...

class FileAppealRequest(_message.Message):
    __slots__ = ("version", "report_id", "reason")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    version: int
    report_id: str
    reason: str
    def __init__(self, version: _Optional[int] = ..., report_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class Appeal(_message.Message):
    __slots__ = ("version", "appeal_id", "account_id", "report_id", "status", "filed_at_ms", "decided_at_ms")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    APPEAL_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FILED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    version: int
    appeal_id: str
    account_id: str
    report_id: str
    status: AppealStatus
    filed_at_ms: int
    decided_at_ms: int
    def __init__(self, version: _Optional[int] = ..., appeal_id: _Optional[str] = ..., account_id: _Optional[str] = ..., report_id: _Optional[str] = ..., status: _Optional[_Union[AppealStatus, str]] = ..., filed_at_ms: _Optional[int] = ..., decided_at_ms: _Optional[int] = ...) -> None: ...

class ListAppealsRequest(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: int
    def __init__(self, version: _Optional[int] = ...) -> None: ...

class ListAppealsResponse(_message.Message):
    __slots__ = ("version", "appeals")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    APPEALS_FIELD_NUMBER: _ClassVar[int]
    version: int
    appeals: _containers.RepeatedCompositeFieldContainer[Appeal]
    def __init__(self, version: _Optional[int] = ..., appeals: _Optional[_Iterable[_Union[Appeal, _Mapping]]] = ...) -> None: ...

class AuditQuery(_message.Message):
    __slots__ = ("version", "after_seq", "limit")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    version: int
    after_seq: int
    limit: int
    def __init__(self, version: _Optional[int] = ..., after_seq: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...
