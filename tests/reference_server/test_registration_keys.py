"""Registration refuses Ed25519 keys no private key stands behind (small order, non-canonical):
with the identity as key, ``R = identity, S = 0`` "signs" any request, so a forged
``messages/send`` needed no private key."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from tests.crypto import edwards_reference as ed
from tests.reference_server.conftest import InProcessServer
from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.sdk.api.signing import (
    API_VERSION,
    SIGNATURE_SCHEME,
    key_id_for,
)
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.settings import load_staff_keys

PROTOBUF = {"content-type": "application/x-protobuf"}
IDENTITY_KEY = ed.encode(ed.IDENTITY)
BAD_KEYS = [ed.encode(t) for t in ed.torsion_points()] + [
    (ed.P).to_bytes(32, "little"),  # y = p: a non-canonical zero
    (1 | 1 << 255).to_bytes(32, "little"),  # the identity with the sign bit set
]


def _register(server: InProcessServer, key: bytes) -> tuple[int, common_pb2.Error | None]:
    body = api_pb2.RegisterAccountRequest(version=1, signing_public_key=key).SerializeToString()
    reply = server.http.post("/v1/accounts", content=body, headers=PROTOBUF)
    error = common_pb2.Error.FromString(reply.content) if reply.status_code != 200 else None
    return reply.status_code, error


def _forged_send(server: InProcessServer, recipient: str) -> int:
    """A messages/send "signed" for the identity key with R = identity, S = 0."""
    inner = api_pb2.SendMessageRequest(
        version=1,
        recipient_account_id=recipient,
        message_id=secrets.token_bytes(16),
        ciphertext=b"forged",
    ).SerializeToString()
    key_id, nonce = key_id_for(IDENTITY_KEY), secrets.token_bytes(16)
    timestamp = server.ctx.clock()
    envelope = api_pb2.SignedRequest(
        version=API_VERSION,
        signature_scheme=SIGNATURE_SCHEME,
        key_id=key_id,
        timestamp_ms=timestamp,
        nonce=nonce,
        method="POST",
        path="/v1/messages/send",
        body=inner,
        signature=IDENTITY_KEY + bytes(32),
    )
    reply = server.http.post(
        "/v1/messages/send", content=envelope.SerializeToString(), headers=PROTOBUF
    )
    return reply.status_code


def test_small_order_and_non_canonical_keys_are_refused_at_registration(
    server: InProcessServer,
) -> None:
    for key in BAD_KEYS:
        status, error = _register(server, key)
        assert status == 400 and error is not None, key.hex()
        assert (error.code, error.field) == ("invalid_argument", "signing_public_key")
        with server.ctx.storage.read() as tx:
            assert tx.accounts.get(key_id_for(key)) is None


def test_a_forged_send_without_any_private_key_is_not_delivered(server: InProcessServer) -> None:
    bob = server.user("bob")
    _register(server, IDENTITY_KEY)
    assert _forged_send(server, bob.account_id) == 401  # unknown key: never registered
    assert bob.fetch_messages() == []


def test_staff_files_with_a_small_order_key_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "staff.json"
    entry = {"name": "r", "role": "reviewer", "public_key": IDENTITY_KEY.hex()}
    path.write_text(json.dumps([entry]))
    with pytest.raises(InvalidArgument):
        load_staff_keys(path)


def test_an_account_stored_with_a_small_order_key_cannot_sign(server: InProcessServer) -> None:
    """A database from before the registration check: the verifier refuses the key itself."""
    from vouchsafe.server.storage.records import ROLE_USER, STATUS_ACTIVE, Account

    bob = server.user("bob")
    with server.ctx.storage.transaction() as tx:
        tx.accounts.add(
            Account(
                key_id_for(IDENTITY_KEY), IDENTITY_KEY, b"", "", ROLE_USER, STATUS_ACTIVE, 0, 2**62
            )
        )
    assert _forged_send(server, bob.account_id) == 401
    assert bob.fetch_messages() == []
