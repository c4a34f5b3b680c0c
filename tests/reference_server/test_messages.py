"""Store-and-forward relay: opaque blobs reach only their recipient, in order, idempotently."""

from __future__ import annotations

import secrets

import pytest

from tests.reference_server.conftest import InProcessServer
from vouchsafe.sdk.errors import ServerRejected


def test_messages_reach_only_their_recipient_in_order_and_ack_deletes(
    server: InProcessServer,
) -> None:
    alice, bob, carol = server.user("alice"), server.user("bob"), server.user("carol")
    assert alice.lookup(handle="bob").account_id == bob.account_id
    ids = [secrets.token_bytes(16) for _ in range(3)]
    for n, message_id in enumerate(ids):
        alice.send_message(bob.account_id, message_id, b"ciphertext %d" % n)
    alice.send_message(bob.account_id, ids[0], b"ciphertext 0")  # a retry: stored once
    got = bob.fetch_messages()
    assert [m.ciphertext for m in got] == [b"ciphertext 0", b"ciphertext 1", b"ciphertext 2"]
    assert {m.sender_account_id for m in got} == {alice.account_id}
    assert carol.fetch_messages() == []
    assert [m.message_id for m in bob.fetch_messages(after_sequence=got[0].sequence)] == ids[1:]
    assert carol.ack_messages(ids) == 0  # nobody deletes another's mail
    assert bob.ack_messages(ids[:2]) == 2
    assert [m.message_id for m in bob.fetch_messages()] == ids[2:]


def test_message_to_nobody_or_with_a_reused_id_is_refused(server: InProcessServer) -> None:
    alice, bob = server.user(), server.user()
    with pytest.raises(ServerRejected) as nobody:
        alice.send_message("0" * 32, secrets.token_bytes(16), b"x")
    assert (nobody.value.server_code, nobody.value.field) == ("not_found", "recipient_account_id")
    message_id = secrets.token_bytes(16)
    alice.send_message(bob.account_id, message_id, b"x")
    with pytest.raises(ServerRejected) as reused:
        alice.send_message(bob.account_id, message_id, b"other")
    assert reused.value.server_code == "conflict"
    with pytest.raises(ServerRejected) as staff:
        alice.send_message(server.staff("reviewer1").account_id, secrets.token_bytes(16), b"x")
    assert staff.value.server_code == "not_found"
