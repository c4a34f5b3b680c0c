"""The integration seam: the one place the reference messenger calls the detection SDK.

What a vendor copies. Before a media item is sealed and sent,
:meth:`DetectionHook.before_send_media` asks the SDK for a safety voucher for exactly the bytes
being sent, on the release the device holds and has verified, and puts the voucher in a durable
on-device queue (one 0600 file per voucher). After the message is handed to the relay,
:meth:`DetectionHook.flush` tries to upload what is queued. Guarantees:

- **Media only.** Text is never passed here; the messenger calls the hook for media items only.
- **Never blocks the message on the network.** Making a voucher is local computation; uploading
  happens after sending, with a short timeout, and a failed upload leaves the voucher queued.
- **Queued and retried.** Every later command (send, inbox) flushes the queue first; the server's
  upload is idempotent by voucher id, so a retry after a lost response stores nothing twice.
- **Receipts kept.** A voucher leaves the queue only once the provider's signed receipt for it
  verified (``vouchsafe.sdk.api``); the receipt is stored next to the queue
  (``voucher-receipts/<voucher id>.receipt``) as the device's evidence of what it uploaded.
- **Nothing else leaves.** The hook never stores or uploads the media item itself; the voucher is
  all the provider gets, and it can open it only as the protocol allows (past the threshold).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from google.protobuf.message import DecodeError

from vouchsafe.messenger.profile import make_private_dir, write_private
from vouchsafe.protocol import messenger_pb2
from vouchsafe.sdk import PreparedVoucher
from vouchsafe.sdk.api import Receipt
from vouchsafe.sdk.errors import ServerRejected, VouchsafeError

# Shown once, before the first message is sent (``vouchsafe client init``). It states what
# happens, who learns what and when, and what the user can do; nothing in it is softened.
DISCLOSURE_TEXT = """\
Before you start: how this messenger checks photos
--------------------------------------------------
Your messages are end-to-end encrypted: the server relays them but cannot read them.
Photos and other media you send are also checked ON THIS DEVICE against a list of known
child sexual abuse images supplied by child-protection organisations. For each photo your
device sends the provider an encrypted "safety voucher" alongside the message.
  * The provider cannot open any voucher, or even tell whether a photo matched, unless your
    account has sent more matching photos than a fixed threshold. Your device also sends
    decoy ("synthetic") vouchers so that the number of matches stays hidden below it.
  * If your account passes the threshold, the provider can open only the vouchers of the
    matching photos: a small, low-resolution, grey copy of each and its fingerprint. A person
    reviews them before anything happens. Only confirmed matches are reported to the
    authority, and your account may be suspended.
  * Matching is not perfect: unrelated photos can match by accident. You will be told about
    any action on your account and can appeal it (`vouchsafe client appeal`); a different
    reviewer decides.
  * Text messages are never checked.
"""


class VoucherMaker(Protocol):
    """The SDK side of the seam (``sdk.DetectionClient`` satisfies it)."""

    def voucher_for_media(self, media: bytes) -> PreparedVoucher:
        """A safety voucher for exactly these media bytes; raises a VouchsafeError on bad media."""
        ...


class VoucherUploader(Protocol):
    """The network side of the seam (``vouchsafe.sdk.api.ApiClient`` satisfies it)."""

    def upload_voucher(self, voucher_id: bytes, safety_voucher: bytes, release_id: str) -> Receipt:
        """Uploads one voucher and returns the provider's verified receipt; raises a
        VouchsafeError if the server is unreachable, refuses, or the receipt does not verify."""
        ...


@dataclass(frozen=True)
class FlushResult:
    """What one flush achieved: vouchers the server acknowledged, and vouchers still queued."""

    uploaded: int
    pending: int
    last_error: str | None = None
    rejected: int = 0


class DetectionHook:
    """Vouchers for media items, queued durably in ``queue_dir`` and uploaded when possible."""

    def __init__(
        self, maker: VoucherMaker, uploader: VoucherUploader, queue_dir: Path, receipts_dir: Path
    ) -> None:
        self._maker = maker
        self._uploader = uploader
        self._queue_dir = queue_dir
        self._receipts_dir = receipts_dir
        make_private_dir(queue_dir)
        make_private_dir(receipts_dir)

    def before_send_media(self, media: bytes) -> PreparedVoucher:
        """Makes the voucher for ``media`` and queues it; local only, never touches the network.

        Raises the SDK's VouchsafeError if the media cannot be decoded; the caller decides whether
        such an item may still be sent (the reference messenger refuses, so that undecodable
        files are not a way around detection).
        """
        voucher = self._maker.voucher_for_media(media)
        queued = messenger_pb2.QueuedVoucher(
            version=1,
            voucher_id=voucher.voucher_id,
            safety_voucher=voucher.safety_voucher,
            release_id=voucher.release_id,
            created_at=int(time.time()),
        )
        write_private(self._path(voucher.voucher_id), queued.SerializeToString())
        return voucher

    def discard(self, voucher_id: bytes) -> None:
        """Drops a queued voucher whose media item was, in the end, not sent (the relay refused
        the message), so that vouchers only ever accompany items that were actually sent."""
        for path in self._queue_dir.glob(f"*-{voucher_id.hex()}.voucher"):
            path.unlink()

    def pending(self) -> int:
        """How many vouchers wait for upload."""
        return len(self._queued_paths())

    def flush(self) -> FlushResult:
        """Tries to upload every queued voucher, oldest first; stops at the first network error.

        A voucher leaves the queue only after the server acknowledged it. Never raises for
        network trouble: the error is returned, and the vouchers stay queued for the next flush.
        """
        uploaded = rejected = 0
        refusal: str | None = None
        paths = self._queued_paths()
        for index, path in enumerate(paths):
            queued = messenger_pb2.QueuedVoucher()
            try:
                queued.ParseFromString(path.read_bytes())
            except (OSError, DecodeError):
                # A torn write cannot happen (atomic rename); anything else is kept for inspection.
                path.rename(path.with_suffix(".damaged"))
                continue
            try:
                receipt = self._uploader.upload_voucher(
                    bytes(queued.voucher_id), bytes(queued.safety_voucher), queued.release_id
                )
            except ServerRejected as exc:
                if exc.retryable:
                    return self._keep(path, queued, uploaded, len(paths) - index, exc)
                # Refused for good (e.g. malformed): kept aside, so one bad voucher cannot
                # hold back every later one.
                rejected += 1
                refusal = str(exc)
                path.rename(path.with_suffix(".rejected"))
                continue
            except VouchsafeError as exc:  # unreachable, or a receipt that does not verify
                return self._keep(path, queued, uploaded, len(paths) - index, exc)
            write_private(self.receipt_path(receipt.voucher_id), receipt.to_bytes())
            path.unlink()
            uploaded += 1
        return FlushResult(uploaded, 0, last_error=refusal, rejected=rejected)

    def _keep(
        self,
        path: Path,
        queued: messenger_pb2.QueuedVoucher,
        uploaded: int,
        pending: int,
        error: VouchsafeError,
    ) -> FlushResult:
        queued.failed_attempts += 1
        write_private(path, queued.SerializeToString())
        return FlushResult(uploaded, pending, last_error=str(error))

    def receipt_path(self, voucher_id: bytes) -> Path:
        """Where the provider's receipt for ``voucher_id`` is kept once it verified."""
        return self._receipts_dir / f"{voucher_id.hex()}.receipt"

    def receipts(self) -> list[Receipt]:
        """Every receipt kept, oldest upload first."""
        kept = [Receipt.from_bytes(p.read_bytes()) for p in self._receipts_dir.glob("*.receipt")]
        return sorted(kept, key=lambda r: r.received_at_ms)

    def _path(self, voucher_id: bytes) -> Path:
        return self._queue_dir / f"{time.time_ns():020d}-{voucher_id.hex()}.voucher"

    def _queued_paths(self) -> list[Path]:
        return sorted(self._queue_dir.glob("*.voucher"))
