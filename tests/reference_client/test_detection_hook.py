"""The integration seam queues vouchers durably and never lets the network hold a message back."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from vouchsafe.messenger.detection_hook import DISCLOSURE_TEXT, DetectionHook
from vouchsafe.messenger.errors import ServerRejected, ServerUnreachable
from vouchsafe.sdk import PreparedVoucher
from vouchsafe.sdk.api import Receipt


def receipt_for(voucher_id: bytes, at_ms: int = 1) -> Receipt:
    """A receipt as the SDK returns it after verification (signature not checked here)."""
    return Receipt(voucher_id, "acct", at_ms, b"d" * 32, False, b"s" * 64, "provider")


class RecordingMaker:
    """Stands in for the SDK in unit tests of the queue; the real SDK runs in the e2e tests."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []

    def voucher_for_media(self, media: bytes) -> PreparedVoucher:
        self.seen.append(media)
        digest = hashlib.sha256(media).digest()
        return PreparedVoucher(digest[:16], b"voucher:" + digest, "release-1")


class FlakyServer:
    def __init__(self) -> None:
        self.up = False
        self.received: list[bytes] = []
        self.refuse: set[bytes] = set()
        self.not_ready = False

    def upload_voucher(self, voucher_id: bytes, safety_voucher: bytes, release_id: str) -> Receipt:
        if not self.up:
            raise ServerUnreachable("connection refused")
        if self.not_ready:
            raise ServerRejected("no hash set loaded", server_code="not_ready", status=503)
        if voucher_id in self.refuse:
            raise ServerRejected("bad voucher", server_code="malformed_voucher")
        self.received.append(voucher_id)
        return receipt_for(voucher_id, len(self.received))


def test_voucher_is_made_and_queued_without_touching_the_network(tmp_path: Path) -> None:
    maker, server = RecordingMaker(), FlakyServer()
    hook = DetectionHook(maker, server, tmp_path / "q", tmp_path / "r")
    hook.before_send_media(b"photo-1")
    assert maker.seen == [b"photo-1"]
    assert server.received == []
    assert hook.pending() == 1


def test_queue_files_hold_no_media_and_are_private(tmp_path: Path) -> None:
    hook = DetectionHook(RecordingMaker(), FlakyServer(), tmp_path / "q", tmp_path / "r")
    hook.before_send_media(b"PRIVATE-PHOTO-BYTES")
    files = list((tmp_path / "q").iterdir())
    assert len(files) == 1
    assert b"PRIVATE-PHOTO-BYTES" not in files[0].read_bytes()
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_vouchers_survive_server_down_and_upload_in_order_when_it_returns(tmp_path: Path) -> None:
    server = FlakyServer()
    hook = DetectionHook(RecordingMaker(), server, tmp_path / "q", tmp_path / "r")
    ids = [hook.before_send_media(f"photo-{i}".encode()).voucher_id for i in range(3)]
    down = hook.flush()
    assert (down.uploaded, down.pending) == (0, 3)
    assert down.last_error is not None and "refused" in down.last_error
    # A new hook over the same folder (the app restarted) still has them.
    server.up = True
    again = DetectionHook(RecordingMaker(), server, tmp_path / "q", tmp_path / "r").flush()
    assert (again.uploaded, again.pending) == (3, 0)
    assert server.received == ids


def test_permanently_refused_voucher_does_not_block_the_rest(tmp_path: Path) -> None:
    server = FlakyServer()
    server.up = True
    hook = DetectionHook(RecordingMaker(), server, tmp_path / "q", tmp_path / "r")
    bad = hook.before_send_media(b"a").voucher_id
    good = hook.before_send_media(b"b").voucher_id
    server.refuse.add(bad)
    result = hook.flush()
    assert (result.uploaded, result.rejected, result.pending) == (1, 1, 0)
    assert server.received == [good]
    assert len(list((tmp_path / "q").glob("*.rejected"))) == 1


def test_server_not_ready_keeps_the_voucher_queued_for_a_retry(tmp_path: Path) -> None:
    server = FlakyServer()
    server.up = server.not_ready = True
    hook = DetectionHook(RecordingMaker(), server, tmp_path / "q", tmp_path / "r")
    hook.before_send_media(b"a")
    result = hook.flush()
    assert (result.uploaded, result.rejected, result.pending) == (0, 0, 1)
    server.not_ready = False
    assert hook.flush().uploaded == 1


def test_the_providers_receipt_is_kept_for_every_uploaded_voucher(tmp_path: Path) -> None:
    server = FlakyServer()
    server.up = True
    hook = DetectionHook(RecordingMaker(), server, tmp_path / "q", tmp_path / "r")
    ids = [hook.before_send_media(f"photo-{i}".encode()).voucher_id for i in range(2)]
    assert hook.receipts() == []
    hook.flush()
    assert [r.voucher_id for r in hook.receipts()] == ids
    assert stat.S_IMODE(hook.receipt_path(ids[0]).stat().st_mode) == 0o600


def test_disclosure_says_what_is_checked_and_what_is_not() -> None:
    text = DISCLOSURE_TEXT.lower()
    for phrase in (
        "on this device",
        "threshold",
        "text messages are never checked",
        "appeal",
        "reviews",
        "synthetic",
    ):
        assert phrase in text
