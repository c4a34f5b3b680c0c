"""The provider's voucher receipt, typed, and the checks a device runs before keeping one.

A receipt is the provider's signed statement that it stored a given safety voucher for a given
account at a given time (SPEC.md A.2). The device keeps it: it is the evidence of what was
uploaded, and a receipt that does not verify means the upload is not acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.provider_signatures import verify_receipt, voucher_digest
from vouchsafe.sdk.crypto.constant_time import bytes_eq
from vouchsafe.sdk.errors import ProviderSignatureError


@dataclass(frozen=True)
class Receipt:
    """A ``VoucherReceipt`` as plain fields; :meth:`to_bytes` / :meth:`from_bytes` store it."""

    voucher_id: bytes
    account_id: str
    received_at_ms: int
    voucher_digest: bytes
    duplicate: bool
    signature: bytes
    provider_key_id: str

    @classmethod
    def from_proto(cls, message: api_pb2.VoucherReceipt) -> Receipt:
        """The receipt carried by a ``VoucherReceipt`` message (not yet verified)."""
        return cls(
            voucher_id=bytes(message.voucher_id),
            account_id=message.account_id,
            received_at_ms=message.received_at_ms,
            voucher_digest=bytes(message.voucher_digest),
            duplicate=message.duplicate,
            signature=bytes(message.signature),
            provider_key_id=message.provider_key_id,
        )

    def to_proto(self) -> api_pb2.VoucherReceipt:
        """The ``VoucherReceipt`` message."""
        return api_pb2.VoucherReceipt(
            version=1,
            voucher_id=self.voucher_id,
            account_id=self.account_id,
            received_at_ms=self.received_at_ms,
            voucher_digest=self.voucher_digest,
            duplicate=self.duplicate,
            signature=self.signature,
            provider_key_id=self.provider_key_id,
        )

    def to_bytes(self) -> bytes:
        """Deterministic protobuf encoding, for storage."""
        return self.to_proto().SerializeToString(deterministic=True)

    @classmethod
    def from_bytes(cls, data: bytes) -> Receipt:
        """Reads what :meth:`to_bytes` wrote (the caller re-verifies if it needs to)."""
        return cls.from_proto(api_pb2.VoucherReceipt.FromString(data))

    def verify(self, provider_public_key: bytes) -> None:
        """Raises ProviderSignatureError unless the provider signed this receipt."""
        verify_receipt(self.to_proto(), provider_public_key)


def check_receipt(
    receipt: Receipt,
    provider_public_key: bytes,
    *,
    account_id: str,
    voucher_id: bytes,
    safety_voucher: bytes,
) -> None:
    """Raises ProviderSignatureError unless ``receipt`` is the provider's signature over exactly
    this upload: this account, this voucher id and the digest of these voucher bytes."""
    receipt.verify(provider_public_key)
    if receipt.account_id != account_id:
        raise ProviderSignatureError("the receipt names another account", field="account_id")
    if not bytes_eq(receipt.voucher_id, voucher_id):
        raise ProviderSignatureError("the receipt names another voucher", field="voucher_id")
    if not bytes_eq(receipt.voucher_digest, voucher_digest(safety_voucher)):
        raise ProviderSignatureError(
            "the receipt acknowledges other voucher bytes", field="voucher_digest"
        )
