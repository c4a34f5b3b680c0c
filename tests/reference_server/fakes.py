"""A stand-in for the tPSI-AD protocol core, for testing the server's bookkeeping only.

It is NOT a PSI protocol: a "voucher" here is plain bytes saying whether it matches. It lets the
pipeline tests (threshold gating, idempotency, review, reports, appeals, retention) run without
the cryptography; the end-to-end tests use the real ``vouchsafe.sdk.tpsi``.
Format: ``b"FAKE" + kind (1 byte: 0 non-match, 1 real match, 2 synthetic) + item id (16 bytes)
+ associated data``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from vouchsafe.protocol import associated_data_pb2
from vouchsafe.sdk.api import ApiClient, Receipt
from vouchsafe.sdk.errors import ErrorCode, VouchsafeError
from vouchsafe.server.pipeline.matching import RecoveredMatch, RecoveryProgress

MAGIC = b"FAKE"


class FakeVoucherInvalid(VouchsafeError):
    code = ErrorCode.MALFORMED_MESSAGE


@dataclass
class FakeMatcher:
    threshold: int = 3
    release_id: str = "fake-release"

    def voucher_id(self, safety_voucher: bytes) -> bytes:
        self.outer_step(safety_voucher, "")  # same validation
        return fake_voucher_id(safety_voucher)

    def outer_step(self, safety_voucher: bytes, account_id: str) -> bytes | None:
        if not safety_voucher.startswith(MAGIC) or len(safety_voucher) < 21:
            raise FakeVoucherInvalid("not a safety voucher", field="safety_voucher")
        kind = safety_voucher[4]
        if kind not in (0, 1, 2):
            raise FakeVoucherInvalid("unknown voucher kind", field="safety_voucher")
        return None if kind == 0 else safety_voucher[4:]

    def recover(self, opened: Sequence[bytes]) -> list[RecoveredMatch]:
        real = [o for o in opened if o[0] == 1]
        if len(opened) < self.threshold or len(real) < self.threshold:
            return []
        return [RecoveredMatch(o[1:17].hex(), o[17:]) for o in real]

    def new_recovery(self) -> list[bytes]:
        return []

    def recover_new(self, state: object, opened: Sequence[bytes]) -> RecoveryProgress:
        assert isinstance(state, list)
        state.extend(opened)
        return RecoveryProgress(tuple(self.recover(state)), abuse_suspected=False)


def associated_data(perceptual_hash: bytes, derivative: bytes = b"\x89PNG fake") -> bytes:
    return associated_data_pb2.AssociatedData(
        version=1,
        signal_type="pdq",
        perceptual_hash=perceptual_hash,
        quality=90,
        candidate_scheme="test",
        visual_derivative=derivative,
        visual_derivative_type="image/png",
        media_type="image/jpeg",
    ).SerializeToString()


def fake_voucher(
    kind: int, perceptual_hash: bytes = bytes(32), derivative: bytes = b"\x89PNG fake"
) -> bytes:
    return (
        MAGIC
        + bytes([kind])
        + secrets.token_bytes(16)
        + associated_data(perceptual_hash, derivative)
    )


def fake_voucher_id(safety_voucher: bytes) -> bytes:
    return hashlib.sha512(b"fake voucher id" + safety_voucher).digest()[:32]


def upload(client: ApiClient, voucher: bytes) -> Receipt:
    """Uploads a stand-in voucher under its VoucherId."""
    return client.upload_voucher(fake_voucher_id(voucher), voucher)
