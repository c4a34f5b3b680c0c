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
from vouchsafe.sdk.errors import ProviderSignatureError

RECEIPT_VERSION = 1


def verify_provider_signature(public_key: bytes, label: bytes, data: bytes, sig: bytes) -> None:
    """Raises ProviderSignatureError unless ``sig`` is the provider's signature for ``label``."""
    if not ed25519.verify(public_key, sig, label, data):
        raise ProviderSignatureError("provider signature does not verify")


def voucher_digest(safety_voucher: bytes) -> bytes:
    """``SHA-256(framed(LABEL("VoucherDigest"), safety_voucher))``: how a receipt names the bytes
    it acknowledges (SPEC.md A.3)."""
    return hashlib.sha256(labels.framed(labels.VOUCHER_DIGEST, safety_voucher)).digest()


def receipt_body(receipt: api_pb2.VoucherReceipt) -> bytes:
    """The ReceiptBody bytes a VoucherReceipt's signature covers (deterministic encoding)."""
    return api_pb2.ReceiptBody(
        version=RECEIPT_VERSION,
        voucher_id=receipt.voucher_id,
        account_id=receipt.account_id,
        received_at_ms=receipt.received_at_ms,
        voucher_digest=receipt.voucher_digest,
    ).SerializeToString(deterministic=True)


def verify_receipt(receipt: api_pb2.VoucherReceipt, provider_public_key: bytes) -> None:
    """Raises ProviderSignatureError unless the provider signed this receipt."""
    verify_provider_signature(
        provider_public_key, labels.VOUCHER_RECEIPT, receipt_body(receipt), receipt.signature
    )


def report_digest(report_bytes: bytes) -> bytes:
    """What the provider signs for a report: SHA-256 of the serialized Report."""
    return hashlib.sha256(report_bytes).digest()


def verify_signed_report(
    signed: api_pb2.SignedReport, provider_public_key: bytes
) -> api_pb2.Report:
    """The report inside ``signed`` after its signature verified."""
    verify_provider_signature(
        provider_public_key, labels.REPORT, report_digest(signed.report), signed.signature
    )
    return api_pb2.Report.FromString(signed.report)
