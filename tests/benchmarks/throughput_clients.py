"""What each load-generating client process prepares before the timed window (section 6):
a registered account and signed requests, so that only the server's work is timed.

- ``prepare_uploads``: like a device, fetch and verify the current release over the API, make a
  tPSI account (default synthetic rate) and real safety vouchers for random non-matching PSI
  candidates (1 candidate each; the voucher has all its halves whatever the count), each signed
  as POST /v1/vouchers.
- ``prepare_messages``: a sender and a recipient account and signed POST /v1/messages/send of
  random ciphertexts exactly as long as a safety voucher, so the bytes on the wire match.
- ``ask_repeatedly``: another client, in a process of its own, sending GETs back to back or at a
  fixed rate until told to stop (the public transparency endpoint under a flood of readers).
"""

from __future__ import annotations

import secrets
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.api.client import PROTOBUF
from vouchsafe.sdk.api.signing import sign_request

Prepared = tuple[str, bytes, dict[str, str]]
ASSOCIATED_DATA = b"benign benchmark payload " * 40
HEADERS = {"content-type": PROTOBUF}


def _signed(key: Ed25519PrivateKey, path: str, body: bytes) -> Prepared:
    return path, sign_request(key, "POST", path, body).SerializeToString(), HEADERS


def prepare_uploads(*, index: int, count: int, url: str, threshold: int) -> list[Prepared]:
    from tests.reference_server.tpsi_world import fetch_blinded_hash_set
    from vouchsafe.sdk.tpsi import SyntheticSchedule, generate_voucher, new_account, wire

    blinded = fetch_blinded_hash_set(url)
    key = Ed25519PrivateKey.generate()
    api = ApiClient(url, key)
    api.register()
    api.close()
    account = new_account(blinded.params, threshold=threshold)
    out = []
    for _ in range(count):
        voucher = generate_voucher(
            account,
            blinded,
            candidate_hashes=[secrets.token_bytes(32)],
            item_id=secrets.token_bytes(16),
            associated_data=ASSOCIATED_DATA,
            account_id=api.account_id.encode(),
            schedule=SyntheticSchedule.never(),
        )
        request = api_pb2.UploadVoucherRequest(
            version=1,
            account_id=api.account_id,
            voucher_id=wire.voucher_id(voucher),
            safety_voucher=wire.encode_safety_voucher(voucher),
        )
        out.append(_signed(key, "/v1/vouchers", request.SerializeToString()))
    return out


def prepare_messages(*, index: int, count: int, url: str, size: int) -> list[Prepared]:
    key = Ed25519PrivateKey.generate()
    sender, recipient = ApiClient(url, key), ApiClient(url, Ed25519PrivateKey.generate())
    sender.register()
    recipient.register()
    sender.close()
    recipient.close()
    out = []
    for _ in range(count):
        request = api_pb2.SendMessageRequest(
            version=1,
            recipient_account_id=recipient.account_id,
            message_id=secrets.token_bytes(16),
            ciphertext=secrets.token_bytes(size),
        )
        out.append(_signed(key, "/v1/messages/send", request.SerializeToString()))
    return out


def ask_repeatedly(
    url: str,
    path: str,
    interval_s: float,
    started: Event,
    stop: Event,
    out: Queue[list[float]],
) -> None:
    """GETs ``path`` until ``stop`` is set, one request every ``interval_s`` seconds (0: back
    to back); puts the latencies (seconds) on ``out``."""
    latencies: list[float] = []
    with httpx.Client(base_url=url, timeout=30) as http:
        http.get(path).raise_for_status()
        started.set()
        next_at = time.perf_counter()
        while not stop.is_set():
            start = time.perf_counter()
            http.get(path).raise_for_status()
            latencies.append(time.perf_counter() - start)
            next_at += interval_s
            time.sleep(max(0.0, next_at - time.perf_counter()))
    out.put(latencies)
