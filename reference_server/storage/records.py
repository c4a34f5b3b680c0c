"""The records the server stores, one frozen dataclass per noun (glossary names).

Every record that holds data about a person carries ``expires_at_ms``: the retention job
(``vouchsafe.server.pipeline.retention``) deletes it after that instant and logs the deletion.
Times are integer milliseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE_USER = "user"
ROLE_REVIEWER = "reviewer"
ROLE_AUDITOR = "auditor"
ROLE_AUTHORITY = "authority"
ROLES = (ROLE_USER, ROLE_REVIEWER, ROLE_AUDITOR, ROLE_AUTHORITY)
# A former staff account no longer in the staff file: kept (decisions name it) but no endpoint
# accepts it; listed again in the file, it gets its role back.
ROLE_REVOKED = "revoked"

STATUS_ACTIVE = "active"
STATUS_SUSPENDED = "suspended"


@dataclass(frozen=True)
class Account:
    """An account bound to one Ed25519 signing key; ``account_id`` equals its key id."""

    account_id: str
    signing_public_key: bytes
    encryption_public_key: bytes
    handle: str
    role: str
    status: str
    created_at_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class VoucherRecord:
    """The receipt of one safety voucher; ``opened`` holds the outer step's result for a match.

    Non-matches keep only the receipt (id, account, time, digest): never the voucher bytes.
    """

    voucher_id: bytes
    account_id: str
    received_at_ms: int
    voucher_digest: bytes
    opened: bytes | None
    expires_at_ms: int


@dataclass(frozen=True)
class ProcessedItem:
    """A real match recovered past threshold and what confirmation made of it."""

    account_id: str
    item_id: str
    # "queued" (confirmed, sent to review), "collision_dropped" (full hash) or
    # "confirmation_failed" (keyed confirmation hash)
    outcome: str
    processed_at_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class RecoveryJob:
    """An account's threshold-recovery job: the per-account state the threshold step needs.

    Every accepted voucher adds to ``opened`` (by 0 or 1, the same write either way); the job is
    ``due`` once ``opened`` reaches the match threshold with records recovery has not seen
    (``recovered`` counts those it saw). A worker holds it while ``lease_until_ms`` is ahead.
    ``abuse_suspected``: recovery found shares no honest client makes (logged once,
    ``recovery_abuse_suspected``); the account is never recomputed and its uploads no longer
    make the job due.
    """

    account_id: str
    opened: int
    recovered: int
    due: bool
    lease_until_ms: int
    updated_at_ms: int
    expires_at_ms: int
    abuse_suspected: bool = False


@dataclass(frozen=True)
class ReviewItemRecord:
    """One item waiting for (or given) a human decision."""

    review_id: str
    kind: str  # "match" or "appeal"
    account_id: str
    item_id: str
    associated_data: bytes  # serialized vouchsafe.v1.AssociatedData
    matched_entry_id: str
    match_distance: int
    voucher_received_at_ms: int
    queued_at_ms: int
    status: str  # "pending" or "decided"
    appeal_id: str
    excluded_reviewer_id: str
    expires_at_ms: int
    # The keyed confirmation hash (issue 15): "passed", "unavailable" (no key or no listed
    # confirmation hash: the match was confirmed by the full hash alone); appeal items copy
    # the original's; "" for records written before the field existed.
    second_check: str = ""


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one review item."""

    decision_id: str
    review_id: str
    reviewer_id: str
    outcome: str  # "confirmed" or "not_confirmed"
    derivative_viewed: bool
    notes: str
    urgent: bool
    decided_at_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class DerivativeReveal:
    """A reviewer chose to see a review item's visual derivative unblurred (one exposure).

    A confirmation is accepted only from a reviewer with a reveal of that item; ``session_id``
    ties the exposure to one console session (empty for the signed API) for the exposure count.
    """

    reveal_id: str
    review_id: str
    reviewer_id: str
    session_id: str
    revealed_at_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class ReportRecord:
    """A signed report and where the authority and the provider left it."""

    report_id: str
    account_id: str
    review_id: str
    decision_id: str
    created_at_ms: int
    signed_report: bytes  # serialized vouchsafe.v1.SignedReport
    status: str  # "delivered", "forwarded", "manifestly_unfounded", "retracted"
    reason: str
    status_at_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class AccountAction:
    """An action taken on an account (suspension, reinstatement), recorded, never hidden."""

    action_id: str
    account_id: str
    action: str
    report_id: str
    reason: str
    at_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class NotificationRecord:
    """A notice to a user, held back until ``deliver_after_ms`` (the deferral option)."""

    notification_id: str
    account_id: str
    kind: str
    text: str
    report_id: str
    appeal_id: str
    created_at_ms: int
    deliver_after_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class AppealRecord:
    """A user's appeal against an account action."""

    appeal_id: str
    account_id: str
    report_id: str
    reason: str
    filed_at_ms: int
    status: str  # "received", "upheld", "rejected"
    decided_at_ms: int
    review_id: str
    expires_at_ms: int


@dataclass(frozen=True)
class Opinion:
    """Feedback to the hash-set source about one entry (e.g. a false positive)."""

    opinion_id: str
    entry_id: str
    verdict: str  # "false_positive" or "true_positive"
    appeal_id: str
    created_at_ms: int
    expires_at_ms: int


@dataclass(frozen=True)
class StoredMessage:
    """An end-to-end encrypted blob waiting for its recipient; the server cannot read it."""

    message_id: bytes
    sender_account_id: str
    recipient_account_id: str
    sequence: int
    stored_at_ms: int
    ciphertext: bytes
    expires_at_ms: int


@dataclass(frozen=True)
class AuditEntry:
    """One link of the hash-chained audit log (see ``vouchsafe.server.audit_log``)."""

    seq: int
    at_ms: int
    kind: str
    payload: str  # canonical JSON
    prev_hash: bytes
    entry_hash: bytes


@dataclass(frozen=True)
class AuditHead:
    """The audit chain's head: the last entry's seq and hash (seq 0 and zeros when empty)."""

    id: int
    seq: int
    entry_hash: bytes


@dataclass(frozen=True)
class AuditCount:
    """How many audit entries counted under ``counted`` were appended on one UTC day."""

    day: str
    counted: str
    count: int


@dataclass(frozen=True)
class Checkpoint:
    """A provider signature over the audit log's head at ``seq``."""

    seq: int
    entry_hash: bytes
    at_ms: int
    key_id: str
    public_key: bytes
    signature: bytes


@dataclass(frozen=True)
class RequestTally:
    """How many requests ended with ``code`` ("ok" or an error code) on one UTC day."""

    day: str
    code: str
    count: int


@dataclass(frozen=True)
class SeenNonce:
    """A request nonce already accepted for a key; kept past the timestamp window."""

    key_id: str
    nonce: bytes
    seen_at_ms: int
    expires_at_ms: int
