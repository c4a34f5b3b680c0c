"""The provider's signatures (voucher receipts, reports, audit checkpoints): pure verification.

Every provider signature is Ed25519 over ``framed(label, data)`` with a distinct label per
purpose (``sdk/crypto/labels.py``), so a signature made for one purpose never
verifies for another. Clients verify receipts, the authority verifies reports and auditors verify
checkpoints with these functions; the server signs with ``vouchsafe.server.keys``.
"""

from __future__ import annotations

import hashlib

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.crypto import ed25519, labels
from vouchsafe.sdk.errors import VouchsafeError

RECEIPT_DOMAIN = labels.VOUCHER_RECEIPT
REPORT_DOMAIN = labels.REPORT
CHECKPOINT_DOMAIN = labels.AUDIT_CHECKPOINT


class ProviderSignatureError(VouchsafeError):
    """A provider signature (receipt, report, checkpoint) does not verify."""

    code = "invalid_provider_signature"


def verify_provider_signature(public_key: bytes, domain: bytes, data: bytes, sig: bytes) -> None:
    """Raises ProviderSignatureError unless ``sig`` is the provider's signature for ``domain``."""
    if not ed25519.verify(public_key, sig, domain, data):
        raise ProviderSignatureError("provider signature does not verify")


def receipt_body(receipt: api_pb2.VoucherReceipt) -> bytes:
    """The ReceiptBody bytes a VoucherReceipt's signature covers (deterministic encoding)."""
    return api_pb2.ReceiptBody(
        version=1,
        voucher_id=receipt.voucher_id,
        account_id=receipt.account_id,
        received_at_ms=receipt.received_at_ms,
        voucher_digest=receipt.voucher_digest,
    ).SerializeToString(deterministic=True)


def verify_receipt(receipt: api_pb2.VoucherReceipt, provider_public_key: bytes) -> None:
    """Raises ProviderSignatureError unless the provider signed this receipt."""
    verify_provider_signature(
        provider_public_key, RECEIPT_DOMAIN, receipt_body(receipt), receipt.signature
    )


def report_digest(report_bytes: bytes) -> bytes:
    """What the provider signs for a report: SHA-256 of the serialized Report."""
    return hashlib.sha256(report_bytes).digest()


def verify_signed_report(
    signed: api_pb2.SignedReport, provider_public_key: bytes
) -> api_pb2.Report:
    """The report inside ``signed`` after its signature verified."""
    verify_provider_signature(
        provider_public_key, REPORT_DOMAIN, report_digest(signed.report), signed.signature
    )
    return api_pb2.Report.FromString(signed.report)
