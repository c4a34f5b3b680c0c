"""The provider API for vendors: one client, request signing and the provider's receipts.

``ApiClient`` covers every endpoint of the reference server (``protocol/api.proto``) and raises
only SDK errors (:mod:`vouchsafe.sdk.errors`); ``Receipt`` is the provider's signed voucher
receipt, verified by ``ApiClient.upload_voucher`` before it is returned.
"""

from __future__ import annotations

from vouchsafe.sdk.api.client import ApiClient, rejection_from
from vouchsafe.sdk.api.provider import ProviderInfo
from vouchsafe.sdk.api.receipts import Receipt, check_receipt
from vouchsafe.sdk.api.signing import key_id_for, sign_request

__all__ = [
    "ApiClient",
    "ProviderInfo",
    "Receipt",
    "check_receipt",
    "key_id_for",
    "rejection_from",
    "sign_request",
]
