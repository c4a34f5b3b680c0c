"""Account lookup tells other users nothing about a suspension (it follows a confirmed report)."""

from __future__ import annotations

from tests.reference_server.conftest import InProcessServer
from vouchsafe.protocol import api_pb2
from vouchsafe.server.storage.records import STATUS_SUSPENDED


def test_other_users_cannot_see_that_an_account_is_suspended(server: InProcessServer) -> None:
    alice, bob = server.user("alice"), server.user("bob")
    with server.ctx.storage.transaction() as tx:
        tx.accounts.set_status(alice.account_id, STATUS_SUSPENDED)
    by_id = bob.lookup(account_id=alice.account_id)
    by_handle = bob.lookup(handle="alice")
    assert by_id.status == by_handle.status == api_pb2.ACCOUNT_STATUS_UNSPECIFIED
    assert by_id.signing_public_key == by_handle.signing_public_key  # still reachable
    assert bob.lookup(handle="bob").status == api_pb2.ACCOUNT_STATUS_ACTIVE


def test_an_account_sees_its_own_status(server: InProcessServer) -> None:
    alice = server.user("alice")
    assert alice.lookup(account_id=alice.account_id).status == api_pb2.ACCOUNT_STATUS_ACTIVE
    with server.ctx.storage.transaction() as tx:
        tx.accounts.set_status(alice.account_id, STATUS_SUSPENDED)
    assert alice.lookup(handle="alice").status == api_pb2.ACCOUNT_STATUS_SUSPENDED
