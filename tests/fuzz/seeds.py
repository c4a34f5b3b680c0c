"""Valid encodings of every wire format, built once: the starting points of the mutations."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from typing import Any

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.signing import sign_request


@dataclass(frozen=True)
class World:
    """One provider's hash set, a device's voucher, a signed release chain, a sealed message."""

    server_key: Any
    blinded: Any
    voucher: bytes
    blinded_set: bytes
    server_params: bytes
    server_key_file: bytes
    opened: bytes
    release_key: bytes
    releases: tuple[Any, Any]
    delta: bytes
    recipient: Any
    sealed: bytes
    signed_request: bytes
    associated_data: bytes
    image: bytes


FUZZ_ACCOUNT_ID = b"fuzz-account"


def _known(i: int) -> bytes:
    return hashlib.sha256(f"vouchsafe/fuzz/known/{i}".encode()).digest()


@cache
def world() -> World:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from PIL import Image

    from tests.reference_server.fakes import associated_data
    from vouchsafe.messenger.e2ee import Plaintext, new_message_id, seal_message
    from vouchsafe.messenger.identity import generate_identity
    from vouchsafe.sdk.crypto import ed25519
    from vouchsafe.sdk.tpsi import (
        SyntheticSchedule,
        blind_hash_set,
        generate_server_keys,
        generate_voucher,
        new_account,
        process_voucher,
        wire,
    )
    from vouchsafe.server.hashset.release_file import ReleaseDraft, make_delta, sign_release

    known = [_known(i) for i in range(16)]
    server_key = generate_server_keys()
    old = blind_hash_set(server_key, known[:8], max_candidates=1)
    blinded = blind_hash_set(server_key, known, max_candidates=1)
    account = new_account(blinded.params, threshold=3)
    voucher = generate_voucher(
        account,
        blinded,
        candidate_hashes=[known[0]],
        item_id=b"i",
        associated_data=b"a",
        account_id=FUZZ_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    opened = process_voucher(server_key, blinded, voucher, account_id=FUZZ_ACCOUNT_ID)
    assert opened is not None
    private = ed25519.generate_private_key()
    signed = []
    previous = bytes(32)
    for version, table_of in ((1, old), (2, blinded)):
        draft = ReleaseDraft(
            ciphersuite=table_of.params.ciphersuite,
            version=version,
            previous_release_digest=previous,
            created_at=1_700_000_000,
            expires_at=4_000_000_000,
            server_params=wire.encode_server_params(table_of.params),
            entry_count=8 * version,
            signal_types=("pdq",),
        )
        release = sign_release(draft, table_of.table, private)
        previous = release.digest
        signed.append(release)
    alice, bob = generate_identity(), generate_identity()
    sealed = seal_message(
        alice, bob.public, Plaintext(new_message_id(), "alice", 1_700_000_000, text="hi")
    )
    request = sign_request(
        Ed25519PrivateKey.generate(),
        "POST",
        "/v1/messages/fetch",
        api_pb2.FetchMessagesRequest(version=1, limit=5).SerializeToString(),
    )
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(png, format="PNG")
    return World(
        server_key=server_key,
        blinded=blinded,
        voucher=wire.encode_safety_voucher(voucher),
        blinded_set=wire.encode_blinded_hash_set(blinded),
        server_params=wire.encode_server_params(blinded.params),
        server_key_file=wire.encode_server_key(server_key),
        opened=wire.encode_opened_voucher(opened),
        release_key=ed25519.public_key(private),
        releases=(signed[0], signed[1]),
        delta=make_delta(signed[0].data, signed[1].data),
        recipient=bob,
        sealed=sealed.SerializeToString(),
        signed_request=request.SerializeToString(),
        associated_data=associated_data(known[0]),
        image=png.getvalue(),
    )
